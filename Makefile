# Tandem — the two commands of the Quickstart, and a few helpers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DB     ?= tandem.db
HOST   ?= 127.0.0.1
PORT   ?= 8000
export TANDEM_DATABASE_URL ?= sqlite:///$(DB)

.PHONY: run test check install lint typecheck contracts bench bench-readme screenshots clean

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

# the page checks of the browser tests (axe-core, the W3C Nu validator), from the npm registry;
# install scripts are not run (the validator runs on the machine's Java)
NODE_CHECKS := tests/e2e/node/node_modules/.package-lock.json
$(NODE_CHECKS): tests/e2e/node/package-lock.json
	@npm ci --prefix tests/e2e/node --ignore-scripts --no-audit --no-fund --loglevel=error > /dev/null

install: $(STAMP) $(NODE_CHECKS)

## run: the demo story on the embedded SQLite database, served at http://$(HOST):$(PORT)
## (whatever state the database is in: absent, initialised, with or without the demo)
run: $(STAMP)
	@$(BIN)/tandem init --exist-ok --demo --admin-id admin --admin-name "Tandem Admin" --admin-unit it --admin-unit-name IT > /dev/null
	@$(BIN)/tandem serve --host $(HOST) --port $(PORT) --login-link kathi

## test: lint, types, import contracts and the whole suite on SQLite and PostgreSQL
test: $(STAMP) $(NODE_CHECKS)
	@$(BIN)/ruff check .
	@$(BIN)/mypy domain projections web
	@$(BIN)/lint-imports --no-cache
	@$(BIN)/python -m pytest -p no:randomly $(PYTEST_ARGS)

## check: the fast loop: lint, types, import contracts, unit and BDD tests (memory and SQLite)
check: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/mypy domain projections web
	@$(BIN)/lint-imports
	@$(BIN)/python -m pytest -q -p no:randomly tests/unit tests/bdd -k "not postgres" $(PYTEST_ARGS)

lint: $(STAMP)
	@$(BIN)/ruff check .

typecheck: $(STAMP)
	@$(BIN)/mypy domain projections web

contracts: $(STAMP)
	@$(BIN)/lint-imports

## bench: `python -m bench $(BENCH_ARGS)`; PostgreSQL from BENCH_PG_URL or --pg-url, HTTP load needs wrk
bench: $(STAMP)
	@$(BIN)/python -m bench $(BENCH_ARGS)

## bench-readme: the README's Performance section from a results file (default: the newest)
bench-readme: $(STAMP)
	@$(BIN)/python -m bench.readme $(BENCH_RESULTS)

screenshots: $(STAMP)
	@$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info
