# Präventionsmonitor: make run | make test | make lint | make format
#
# The virtualenv in .venv is created on first use. The project is (re)installed only
# when pyproject.toml is newer than the stamp file inside .venv, so later runs are quick.

PYTHON ?= python3
PORT ?= 8501
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint format venv

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@ $(RUN_STAMP)

venv: $(RUN_STAMP)

run: $(RUN_STAMP)
	$(PY) -m core init-db --demo
	# read-only pages without login unless PRAEV_PUBLIC=0; editing needs a user (README)
	PRAEV_PUBLIC=$${PRAEV_PUBLIC:-1} $(PY) -m streamlit run ui/server.py --server.address 127.0.0.1 --server.port $(PORT)

test: $(TEST_STAMP)
	$(PY) -m pytest

lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(TEST_STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .
