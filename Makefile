# Tsunagu — the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint format lock clean

## setup: virtualenv, pinned dependencies, compiled translations, development keyring (safe to re-run)
setup: $(INSTALLED) $(MO_FILES) var/keyring.json
	@$(PYTHON) printing/system.py || echo "  (make run works without them, except for the PDFs; make test needs them)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-virtualenv --no-deps -r requirements.lock
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
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lock: re-pin requirements.lock from pyproject.toml in a throwaway virtualenv
lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	var/lockenv/bin/python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	  print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > var/lock-input.txt
	var/lockenv/bin/python -m pip install --quiet -r var/lock-input.txt
	{ echo "# The complete, pinned dependency set (direct + transitive) that \`make setup\` installs."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  var/lockenv/bin/python -m pip freeze --exclude-editable | grep -v -e '^pip=='; } > requirements.lock
	rm -rf var/lockenv var/lock-input.txt

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
