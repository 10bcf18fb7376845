# 减负通 — the two commands: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := jianfu/web/static/vendor/.built
PORT ?= 8000
SIZE ?=

.PHONY: demo test lint format bench setup assets migrate clean screenshots

$(STAMP): pyproject.toml setup.py requirements.lock jianfu/gate/similarity/_hits.c
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -c requirements.lock -e ".[dev]"
	touch $@

$(ASSETS): package.json package-lock.json scripts/build_assets.py
	@command -v npm >/dev/null 2>&1 || { echo "需要 Node.js 与 npm 来安装前端资源"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/build_assets.py
	touch $@

setup: $(STAMP) $(ASSETS)

assets: $(ASSETS)

migrate: setup
	$(BIN)/jianfu migrate --noinput

demo: setup
	$(BIN)/jianfu demo --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The bench extra too: a smoke test runs `python -m bench` at the smallest size.
test: setup
	$(BIN)/pip install --disable-pip-version-check -q -c requirements.lock -e ".[bench]"
	bash scripts/test.sh

bench: setup
	$(BIN)/pip install --disable-pip-version-check -q -c requirements.lock -e ".[bench]"
	$(BIN)/python -m bench $(if $(SIZE),--size $(SIZE),)

screenshots: setup
	JIANFU_TESTING=1 JIANFU_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/pytest -m browser jianfu/web/tests/test_browser.py

clean:
	rm -rf $(VENV) node_modules jianfu/web/static/vendor jianfu/gate/similarity/_hits*.so
