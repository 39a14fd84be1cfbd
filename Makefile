# Tripod: `make run` serves Tripod with demo data; `make test` runs the whole suite.
HOST ?= 127.0.0.1
PORT ?= 8000
SHELL := /bin/bash

# uv: the one on PATH, else the one `make uv` installs with pip (run as a module, wherever pip put it).
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
# uv uses the pyenv Python 3.13 where there is one, else downloads its own.
PYENV_313 := $(shell command -v pyenv >/dev/null 2>&1 && pyenv prefix 3.13 2>/dev/null | head -n1)
ifneq ($(PYENV_313),)
export UV_PYTHON ?= $(PYENV_313)/bin/python3
else
export UV_PYTHON ?= 3.13
endif
TRIPOD := $(UV) run --frozen tripod
TEST_PG_URL ?= postgres://postgres@127.0.0.1:5432/tripod_test_$(shell echo $$$$)

.PHONY: run test env env-dev uv gettext chromium messages lint test-sqlite test-postgres clean

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || { echo "Installing uv"; \
	  python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv \
	  || python3 -m pip install --quiet --user --break-system-packages uv; }

gettext:
	@command -v msgfmt >/dev/null 2>&1 || { echo "Installing gettext (msgfmt)"; \
	  (apt-get update -qq && apt-get install -y -qq gettext) >/dev/null || { echo "gettext is needed: install it (apt-get install gettext)"; exit 1; }; }

env: uv gettext
	$(UV) sync --frozen --no-dev --inexact
	$(TRIPOD) compilemessages --ignore=.venv -v0

env-dev: uv gettext
	$(UV) sync --frozen
	$(TRIPOD) compilemessages --ignore=.venv -v0

chromium:
	@test -x /usr/bin/chromium || { echo "Installing Chromium for the browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null || { echo "Chromium is needed for the browser tests (apt-get install chromium)"; exit 1; }; }

run: env
	$(TRIPOD) migrate --noinput -v0
	$(TRIPOD) collectstatic --noinput -v0
	$(TRIPOD) demo --if-empty
	@echo ""
	@echo "  Tripod:  http://$(HOST):$(PORT)/"
	@echo "  Logins:  admin, pm, am, lm, dev, client   password: tripod-demo"
	@echo ""
	@trap 'kill 0' EXIT INT TERM; \
	  $(TRIPOD) worker & \
	  $(TRIPOD) crontask & \
	  $(TRIPOD) serve --host $(HOST) --port $(PORT)

lint: env-dev
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy

test: env-dev chromium lint test-sqlite test-postgres

test-sqlite:
	@echo "== tests on SQLite"
	$(UV) run --frozen pytest

# PostgreSQL: a throw-away database on 127.0.0.1:5432 (user postgres). Required under CI=true.
test-postgres:
	@if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || (command -v psql >/dev/null && psql "postgres://postgres@127.0.0.1:5432/postgres" -Atqc 'select 1' >/dev/null 2>&1); then \
	  echo "== tests on PostgreSQL"; \
	  DATABASE_URL="$(TEST_PG_URL)" $(UV) run --frozen pytest -p no:cacheprovider; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL is required under CI=true but does not answer on 127.0.0.1:5432"; exit 1; \
	else \
	  echo ""; echo "!!!! SKIPPED: PostgreSQL does not answer on 127.0.0.1:5432; the PostgreSQL run did not happen. !!!!"; echo ""; \
	fi

messages:
	cd src/tripod && $(UV) run --frozen tripod makemessages -l zh_Hans --no-obsolete --ignore=static

clean:
	rm -rf .venv var/static .pytest_cache .ruff_cache .mypy_cache
