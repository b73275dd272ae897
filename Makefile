# qms-tui developer tasks. Every target creates .venv itself when it is missing and reinstalls
# the package when pyproject.toml changes or a package (an __init__.py) is added.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PACKAGES := $(shell find qms_tui -name __init__.py -not -path '*/__pycache__/*' 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help install demo test lint migration i18n i18n-check clean

help:
	@echo "make demo                  open the TUI on demo data (creates .venv on first use)"
	@echo "make test                  run the test suite (PostgreSQL too if QMS_TEST_POSTGRES_URL is set)"
	@echo "make lint                  ruff"
	@echo "make migration m=\"...\"     autogenerate an Alembic revision from the models"
	@echo "make i18n                  extract msgids into the Spanish catalogue and compile it"
	@echo "make clean                 remove .venv, caches and build output"

install: $(STAMP)

$(STAMP): pyproject.toml $(PACKAGES)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

demo: $(STAMP)
	$(BIN)/qms demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# A new revision of the schema, compared against a temporary SQLite database at head.
define MIGRATION_PY
import sys, tempfile
from qms_tui.db import migrate
from qms_tui.db.session import Database
with tempfile.TemporaryDirectory() as tmp:
    db = Database(f"sqlite:///{tmp}/migration.db")
    migrate.upgrade(db)
    migrate.revision(db, sys.argv[1])
    db.dispose()
endef
export MIGRATION_PY

migration: $(STAMP)
	@if [ -z "$(m)" ]; then echo 'usage: make migration m="what changed"' >&2; exit 2; fi
	$(BIN)/python -c "$$MIGRATION_PY" "$(m)"
	@echo "review the new file in qms_tui/db/migrations/versions/ before committing it"

i18n: $(STAMP)
	@test -f qms_tui/tools/i18n.py || { echo "qms_tui/tools/i18n.py is missing: no catalogue tool yet" >&2; exit 1; }
	$(BIN)/python -m qms_tui.tools.i18n update

i18n-check: $(STAMP)
	@test -f qms_tui/tools/i18n.py || { echo "qms_tui/tools/i18n.py is missing: no catalogue tool yet" >&2; exit 1; }
	$(BIN)/python -m qms_tui.tools.i18n check

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
