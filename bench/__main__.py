"""`python -m bench [--size 1e4] [--db sqlite|postgresql|both]`: run, write bench/results.json.

Each (database, size) runs in its own process: Django reads DATABASE_URL once."""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
# Per process, so runs side by side (several engineers on one machine) never share a database.
PG_DB = f"jianfu_bench_{os.getpid()}"


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def one(
    db: str,
    size: int,
    out_dir: Path,
    *,
    http: bool,
    baselines: bool,
    queries: int,
    style: str,
    keep_db: bool,
    corpus_only: bool = False,
) -> list[dict]:
    env = dict(os.environ)
    env.pop("JIANFU_TESTING", None)
    # Production settings (DEBUG off: no per-query logging, which costs ~20 % of an
    # import), served over plain HTTP on loopback.
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            # The load run measures the server, not the API's per-user rate limit.
            "API_RATES": "token=1000000/min,user=1000000/min,anon=1000000/min",
        }
    )
    if db == "sqlite":
        path = out_dir / f"bench_{size}_{os.getpid()}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        _pg(f"CREATE DATABASE {PG_DB}")
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    out = out_dir / f"records_{db}_{size}_{os.getpid()}.json"
    cmd = [
        sys.executable,
        "-m",
        "bench.run",
        "--size",
        str(size),
        "--out",
        str(out),
        "--queries",
        str(queries),
        "--style",
        style,
    ]
    cmd += ["--http"] if http else []
    cmd += ["--baselines"] if baselines else []
    cmd += ["--corpus-only"] if corpus_only else []
    print(f"== {db} {size:,} items", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, cwd=HERE.parent)
    print(f"== {db} {size:,} done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    records = json.loads(out.read_text())
    if db == "postgresql" and not keep_db:
        _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    return records


def _read(path: Path) -> list[dict]:
    try:
        records = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def _write(path: Path, records: list[dict]) -> None:
    records = sorted(records, key=lambda r: (r.get("items") or 0, r.get("db") or ""))
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--size", action="append", type=float, help="ledger size(s); default 1e4, 1e5 and 1e6")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--work", default=str(HERE / "out"))
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument(
        "--style", choices=("chars", "words"), default="chars", help="planted rewrites: random characters or words"
    )
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL database (SQLite files are kept)")
    parser.add_argument(
        "--corpus-only", action="store_true", help="only build the corpora into bench/out (cached for today's runs)"
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in (args.size or [1e4, 1e5, 1e6])})
    dbs = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    if args.corpus_only:
        # One database is enough: the corpus depends on the size, not on the database.
        for size in sizes:
            one(
                dbs[0],
                size,
                work,
                http=False,
                baselines=False,
                queries=args.queries,
                style=args.style,
                keep_db=False,
                corpus_only=True,
            )
        return 0
    # Runs of other sizes or databases (e.g. `make bench SIZE=1e4` after a 10^6 run)
    # are kept, so docs/benchmarks.md can show every size; what this run measures replaces them.
    measured = {(db, size) for size in sizes for db in dbs}
    kept = [r for r in _read(out) if (r.get("db"), r.get("items")) not in measured]
    records: list[dict] = []
    for size in sizes:
        for db in dbs:
            # The load run and the in-memory baselines once per size (largest work first on SQLite).
            records += one(
                db,
                size,
                work,
                http=not args.no_http and db == "sqlite",
                baselines=not args.no_baselines and db == "sqlite",
                queries=args.queries,
                style=args.style,
                keep_db=args.keep_db,
            )
            # Written after every run, so a run cut short still leaves what it measured.
            _write(out, kept + records)
    print(f"{len(records)} records (+{len(kept)} kept from earlier runs) -> {out}", file=sys.stderr)
    if not args.no_doc:
        from bench.render import render

        render(out, HERE.parent / "docs" / "benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
