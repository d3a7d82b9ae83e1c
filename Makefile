# zugong: `make run` sets up and serves the platform on SQLite with a demo province;
# `make test` sets up, checks the import contracts (lint-imports) and runs every test on SQLite and on PostgreSQL
# (among them a bounded schemathesis run over the whole API, tests/api/test_fuzz.py);
# `make bench` prints the figures.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/zugong

.PHONY: run test lint-imports test-sqlite test-postgres bench setup run-deps system-test-deps postgres clean

$(BIN)/zugong: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $(BIN)/zugong

setup: $(BIN)/zugong

# collectstatic compresses every static file (about a minute): only when a static file or a dependency changed.
# var/ unless ZUGONG_VAR names another directory (the settings read the same variable)
VARDIR := $(if $(ZUGONG_VAR),$(ZUGONG_VAR),var)
STATIC_STAMP := $(VARDIR)/static/.collected
$(STATIC_STAMP): $(shell find zugong/static -type f 2>/dev/null) pyproject.toml | $(BIN)/zugong
	$(BIN)/zugong collectstatic --noinput --verbosity 0
	touch $@

run: setup run-deps $(STATIC_STAMP)
	$(BIN)/zugong migrate --noinput
	$(BIN)/zugong seed --scale demo --if-empty
	@echo "组工平台: http://127.0.0.1:$(PORT)/  (Ctrl-C 停止)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(BIN)/zugong worker --interval 1 >> $(VARDIR)/worker.log 2>&1 & \
	  $(BIN)/python -u -m zugong scheduler >> $(VARDIR)/scheduler.log 2>&1 & \
	  $(BIN)/gunicorn zugong.wsgi -c zugong/gunicorn_conf.py --bind 127.0.0.1:$(PORT) --access-logfile - --log-level warning

run-deps:
	@bash scripts/ensure-run-deps.sh

system-test-deps:
	@bash scripts/ensure-test-deps.sh

# a PostgreSQL server at 127.0.0.1:5432 with the recommended settings (deploy/postgresql/, scripts/pg-tune.sh;
# ZUGONG_PG_PROFILE=none leaves its configuration alone)
postgres:
	@bash scripts/ensure-postgres.sh
	@bash scripts/pg-tune.sh || echo "PostgreSQL：未能应用推荐配置（见上），按服务器现有配置继续"

# both databases at once (scripts/test-both.sh); test-sqlite and test-postgres run one
test: setup system-test-deps postgres
	$(MAKE) --no-print-directory lint-imports
	BIN=$(BIN) PG_URL=$(PG_URL) bash scripts/test-both.sh

lint-imports:
	@echo "== import contracts (.importlinter) =="
	$(BIN)/lint-imports

test-sqlite:
	@echo "== tests on SQLite =="
	ZUGONG_TESTING=1 $(BIN)/python -m pytest -q

test-postgres:
	@echo "== tests on PostgreSQL =="
	ZUGONG_TESTING=1 DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q

# the settings that need a restart (shared_buffers …) are applied by restarting the local cluster when idle
bench: setup
	@bash scripts/ensure-postgres.sh
	@ZUGONG_PG_RESTART=1 bash scripts/pg-tune.sh
	$(BIN)/python bench/run.py

clean:
	rm -rf var/test.sqlite3 tests/browser/screenshots
