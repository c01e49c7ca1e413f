# isodiary: `make run` sets up and serves the app with demo accounts; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
APT_GET := $(shell command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo) apt-get

.PHONY: run test test-sqlite test-postgres test-timezone lint system-deps venv messages bench clean

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { $(APT_GET) update -q && $(APT_GET) install -y -q python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	@# A per-machine secret for local management commands (manage.py reads .env; it is git-ignored).
	@[ -f .env ] || echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	touch $@

## The Spanish translations: locale/es/LC_MESSAGES/django.po compiled to django.mo (git-ignored),
## with GNU gettext's msgfmt (installed here if missing).
messages: venv
	@command -v msgfmt >/dev/null || { $(APT_GET) update -q && $(APT_GET) install -y -q gettext; }
	$(PY) manage.py compilemessages -l es --ignore=.venv

## 1. Set up and run the app on http://127.0.0.1:8000 (SQLite, demo accounts printed).
run: venv messages
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py collectstatic --noinput -v0
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

## System packages the tests need: Chromium for the browser tests, PostgreSQL for the second run,
## GNU gettext for the translations (Django's makemessages and compilemessages).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pg_virtualenv >/dev/null || missing="$$missing postgresql postgresql-common"; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then echo "Installing:$$missing"; $(APT_GET) update -q && $(APT_GET) install -y -q $$missing; fi

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -ll -c pyproject.toml -r core isodiary

test-sqlite: venv messages
	$(VENV)/bin/pytest

test-postgres: venv messages
	bash scripts/with-postgres.sh $(VENV)/bin/pytest -p no:cacheprovider

# The suite must not depend on the machine's time zone: once more at UTC+14 (SQLite, no browser).
test-timezone: venv messages
	TIME_ZONE=Pacific/Kiritimati $(VENV)/bin/pytest -p no:cacheprovider -m "not browser"

## 2. Install everything the tests need and run the whole suite, on SQLite and then on PostgreSQL,
##    and the non-browser tests once more with TIME_ZONE=Pacific/Kiritimati (UTC+14).
test: system-deps venv lint test-sqlite test-postgres test-timezone

## Load benchmark (not run by CI): see bench/RESULTS.md.
bench: venv
	bash bench/run.sh

clean:
	rm -rf $(VENV) staticfiles screenshots .pytest_cache
