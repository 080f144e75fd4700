# NN-Opt Lab – every command a student, an instructor or CI needs.
#   make lab    open the course (JupyterLab on localhost, token on)
#   make test   the whole test suite (what CI runs)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
JOBS   ?= 2
PYTEST := $(PY) -m pytest -q -n $(JOBS) --dist loadfile
NBVAL  := --nbval-current-env --nbval-cell-timeout=300 -p no:cacheprovider

.PHONY: help setup lab test unit notebooks lint student solutions clean bench

# Tests run offline: course_lib blocks any connection that is not to this machine.
test unit notebooks: export NN_OPT_LAB_OFFLINE = 1

help:
	@sed -n 's/^#   //p' Makefile
	@echo "  make setup      create .venv and install the course into it"
	@echo "  make student    regenerate chapters/ from solutions/ (never overwrites edited chapters)"
	@echo "  make solutions  re-execute solutions/ in place, then regenerate chapters/"
	@echo "  make clean      remove build artefacts (never a notebook)"

# Idempotent: reinstalls only when pyproject.toml changed since the last install.
setup: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Localhost only, token authentication and XSRF checks on (JupyterLab's secure defaults, spelled out).
LAB_CMD = $(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=chapters \
	--ServerApp.disable_check_xsrf=False --ServerApp.open_browser=True
lab: setup
	$(LAB_CMD)

test: setup
	$(PY) -m course_lib.student --check
	$(MAKE) --no-print-directory lint
	$(PYTEST) tests
	$(MAKE) --no-print-directory notebooks

unit: setup
	$(PYTEST) tests

notebooks: setup
	$(PYTEST) $(NBVAL) --nbval solutions --nbval-sanitize-with tests/nbval_sanitize.cfg
	$(PYTEST) $(NBVAL) --nbval-lax chapters

lint: setup
	$(VENV)/bin/ruff check course_lib tests solutions chapters

student: setup
	$(PY) -m course_lib.student

solutions: setup
	$(PY) -m course_lib.notebooks execute
	$(PY) -m course_lib.student

# Build artefacts only. Never a notebook, not even .ipynb_checkpoints (a student's "revert" copies).
clean:
	rm -rf build .pytest_cache .ruff_cache .hypothesis
	find . -path ./.venv -prune -o -name __pycache__ -type d -print -exec rm -rf {} +

# How fast the course feels (issue 9): writes benchmarks/RESULTS.md. Run on an otherwise idle machine.
bench: setup
	$(PY) benchmarks/run.py
