# Tsunagu — the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint format lock audit clean

## setup: virtualenv, pinned dependencies, compiled translations, development keyring (safe to re-run)
setup: $(INSTALLED) $(MO_FILES) var/keyring.json
	@$(PYTHON) printing/system.py || echo "  (make run works without them, except for the PDFs; make test needs them)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# requirements-dev.lock is the production lock plus the development tools, at the same versions.
$(INSTALLED): requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-virtualenv --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/python -m pip check
	touch $@

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

var:
	mkdir -p var

# The development keyring (mode 0600, git-ignored). Never overwritten: it holds every demo person's keys.
var/keyring.json: | $(INSTALLED) var
	DEBUG=1 $(BIN)/python manage.py create_keyring --if-missing $@

## run: set up, migrate the SQLite database, load the demo data, serve on http://127.0.0.1:8000
run: setup
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: set up, lint, and run the whole suite (on PostgreSQL when DATABASE_URL points there)
test: setup lint
	@$(PYTHON) printing/system.py
	$(BIN)/pytest -n 2

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lock: re-pin requirements.lock (production) and requirements-dev.lock (+ tools) from pyproject.toml
# uv, because it takes every file's hash from PyPI's index (pip-compile would hash only the files this
# machine's pip happens to find), so `pip install --require-hashes` works on any Linux x86_64 host.
# The versions already locked are kept (-c); to upgrade one, pin it in pyproject.toml first.
UV_COMPILE = var/lockenv/bin/uv pip compile pyproject.toml --quiet --no-header --no-annotate --generate-hashes \
	--python-version 3.11 --python-platform x86_64-manylinux_2_28
lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv && var/lockenv/bin/python -m pip install --quiet uv==0.13.9
	grep -o '^[A-Za-z0-9_.-]*==[^ ]*' requirements-dev.lock > var/lock-kept.txt || true
	{ echo "# What a server installs: pip install --require-hashes --no-deps -r requirements.lock"; \
	  echo "# Generated from pyproject.toml by make lock; do not edit."; \
	  $(UV_COMPILE) -c var/lock-kept.txt; } > requirements.lock.new
	{ echo "# requirements.lock plus the development tools, at the same versions; make setup installs it."; \
	  echo "# Generated from pyproject.toml by make lock; do not edit."; \
	  $(UV_COMPILE) --extra dev -c var/lock-kept.txt -c requirements.lock.new; } > requirements-dev.lock
	mv requirements.lock.new requirements.lock
	rm -rf var/lockenv var/lock-kept.txt

## audit: check the production lock for known vulnerabilities (pip-audit; needs PyPI's JSON API or OSV)
# --strict: a package the service cannot look up is a failure, not a silent pass.
audit:
	rm -rf var/auditenv && $(PYTHON) -m venv var/auditenv && var/auditenv/bin/python -m pip install --quiet pip-audit==2.10.1
	var/auditenv/bin/pip-audit --strict --require-hashes --disable-pip --progress-spinner off -r requirements.lock
	rm -rf var/auditenv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
