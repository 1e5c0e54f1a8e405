# Arbitrages: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The Makefile is for development machines: manage.py runs with DEBUG on unless told otherwise.
MANAGE := DEBUG=$${DEBUG:-1} $(PY) manage.py
# Django 6 needs Python >= 3.12: take the first interpreter that is recent enough.
PYTHON ?= $(shell for c in python3.13 python3.12 python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3; do \
	$$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$c; break; }; done)

.PHONY: run test install install-dev venv migrate messages demo serve lint format migrations-check \
	test-postgres e2e-deps print-deps reset-db clean bench plotly-bundle room

$(PY):
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 introuvable (Django 6 en a besoin). Indiquez-le : make PYTHON=/chemin/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

venv: $(PY)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP) install -q -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# .mo files are built here, never committed (msgfmt comes with Debian's gettext package).
messages: install
	@command -v msgfmt >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; }
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then $(MANAGE) compilemessages -v0 --ignore=.venv; fi

migrate: install
	$(MANAGE) migrate --noinput -v0

demo: migrate
	$(MANAGE) load_demo
	$(MANAGE) load_demo_campaign

serve:
	$(MANAGE) runserver 127.0.0.1:8000

run: install messages migrate demo serve

# Debian's chromium for the browser tests (never a browser download).
e2e-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installation de chromium (Debian)…"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# LibreOffice Calc (no GUI) for the print layout tests: they print our workbooks to PDF.
print-deps:
	@command -v soffice >/dev/null 2>&1 || { \
		echo "Installation de LibreOffice Calc (Debian)…"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; }

# Two workers (one per core here); a file's tests stay on one worker (shared browser, fixtures).
PYTEST_WORKERS ?= auto
test: install-dev messages e2e-deps print-deps
	$(VENV)/bin/pytest -q -n $(PYTEST_WORKERS) --dist loadfile

test-postgres: install-dev messages e2e-deps print-deps
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/arbitrages} $(VENV)/bin/pytest -q -n $(PYTEST_WORKERS) --dist loadfile

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

reset-db: install
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	$(MAKE) demo

# A workshop room without internet: the laptop serves the tablets on the room's Wi-Fi
# (budget/management/commands/room.py; docs/panels-workshops.md).
room: install messages migrate
	DEBUG=0 $(PY) manage.py room

# The partial plotly.js (frontend/plotly/README.md): rebuilt only when its trace list or its
# version changes; the built file is committed, so `make run` needs no Node.
plotly-bundle: install
	cd frontend/plotly && npm ci --no-audit --no-fund && node build.mjs
	$(MANAGE) plotly_css

bench: install-dev
	$(PY) bench/import.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
