#!/usr/bin/env bash
# The whole suite: lint, migrations check, unit tests on SQLite with the browser
# tests, then again on PostgreSQL. On a user's machine a missing PostgreSQL or
# chromium is skipped LOUDLY; with JIANFU_REQUIRE_ALL=1 (CI) it is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
REQUIRE_ALL=${JIANFU_REQUIRE_ALL:-0}
PG_URL=${JIANFU_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
CHROMIUM=${JIANFU_CHROMIUM:-/usr/bin/chromium}
export JIANFU_TESTING=1

banner() { printf '\n\033[1;33m==== %s ====\033[0m\n' "$*"; }
loud_skip() {
  printf '\n\033[1;31m!!!! SKIPPED: %s !!!!\033[0m\n' "$*"
  if [ "$REQUIRE_ALL" = "1" ]; then echo "JIANFU_REQUIRE_ALL=1: a skipped part is a failure." >&2; exit 1; fi
}

banner "lint (ruff)"
$BIN/ruff check .
$BIN/ruff format --check .

banner "migrations are complete"
$BIN/jianfu makemigrations --check --dry-run

# The similarity lookup's compiled counter (setup.py; needs a C compiler at install).
if ! $BIN/python -c "import jianfu.gate.similarity._hits" 2>/dev/null; then
  loud_skip "compiled hit counter: not built (install gcc and the Python headers, then rm .venv/.installed && make setup); lookups count in NumPy"
fi

browser_flag=()
if [ -x "$CHROMIUM" ]; then
  export JIANFU_CHROMIUM="$CHROMIUM"
else
  loud_skip "browser tests: $CHROMIUM not found (apt-get install chromium)"
  browser_flag=(-m "not browser")
fi

banner "tests on SQLite${browser_flag:+ (without browser tests)}"
$BIN/pytest "${browser_flag[@]}" "$@"

if $BIN/python - "$PG_URL" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
then
  banner "tests on PostgreSQL ($PG_URL)"
  # The bench smoke test makes its own SQLite databases: once is enough.
  DATABASE_URL="$PG_URL" $BIN/pytest -m "not browser" --deselect tests/test_bench_smoke.py "$@"
else
  loud_skip "PostgreSQL tests: cannot connect to $PG_URL (set JIANFU_TEST_PG_URL)"
fi
banner "all tests passed"
