# The two commands of the README, and the checks CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint install install-dev system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs happen again only when pyproject.toml changes (a stamp file beside the venv).
$(VENV)/.installed: pyproject.toml .ci/system-packages | $(BIN)/python
	@./.ci/system-packages
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml .ci/system-packages | $(BIN)/python
	@./.ci/system-packages
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

# Pango and fonts for the PDFs (Debian packages; installed when missing, where allowed).
system-packages:
	@./.ci/system-packages

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Lectern on the embedded SQLite database (./lectern.db), with the demo school, on :8000.
run: install
	$(BIN)/lectern db migrate
	$(BIN)/lectern db seed --demo
	$(BIN)/lectern serve --host 127.0.0.1 --port 8000

# The test suite on SQLite; set LECTERN_TEST_DATABASE_URL=postgresql://... for PostgreSQL.
test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
