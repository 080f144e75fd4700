# NN-Opt Lab – every command a student, an instructor or CI needs.
#   make lab     open the course (JupyterLab on localhost, token on)
#   make lab-zh  the same with JupyterLab's menus in Simplified Chinese (installs the language pack)
#   make test    the whole test suite (what CI runs)
#   make slides  offline reveal.js decks of the solutions in build/slides/ (make html: build/html/)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
JOBS   ?= 2
PYTEST := $(PY) -m pytest -q -n $(JOBS) --dist loadfile
NBVAL  := --nbval-current-env --nbval-cell-timeout=300 -p no:cacheprovider

.PHONY: help setup lab lab-zh test unit notebooks browser lint student solutions slides html handouts clean bench \
	release grade

# Tests run offline: course_lib blocks any connection that is not to this machine.
test unit notebooks: export NN_OPT_LAB_OFFLINE = 1

help:
	@sed -n 's/^#   //p' Makefile
	@echo "  make setup      create .venv and install the course into it"
	@echo "  make student    regenerate chapters/ from solutions/ (never overwrites edited chapters)"
	@echo "  make solutions  re-execute solutions/ in place, then regenerate chapters/"
	@echo "  make handouts   make slides + make html (assets fetched once with npm into build/npm/)"
	@echo "  make browser    the browser tests alone (JupyterLab + Chromium; part of make test)"
	@echo "  make clean      remove build artefacts (never a notebook)"
	@echo "  make release    the student bundle (chapters + package, no solutions) in build/release/"
	@echo "  make grade SUBMISSIONS=dir   autograde dir/<student>/<NN_topic>.ipynb with nbgrader -> build/grades.csv"

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

# Optional Simplified Chinese UI: the language pack (extra "zh") and a default locale for this command only
# (app-level overrides.json in build/; a language picked in Settings -> Language still wins).
ZH_STAMP := $(VENV)/.installed-zh-stamp
$(ZH_STAMP): pyproject.toml | $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,zh]'
	@touch $(ZH_STAMP)
lab-zh: setup $(ZH_STAMP)
	@mkdir -p build/lab-zh
	@echo '{"@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}}' > build/lab-zh/overrides.json
	$(LAB_CMD) --LabApp.app_settings_dir=$(CURDIR)/build/lab-zh

test: setup
	$(PY) -m course_lib.build.student --check
	$(MAKE) --no-print-directory lint
	$(PYTEST) -m "not browser" tests
	$(MAKE) --no-print-directory notebooks
	$(MAKE) --no-print-directory browser

unit: setup
	$(PYTEST) -m "not browser" tests

# JupyterLab + Chromium (tests/test_browser.py): one server and one browser for the module, so no xdist.
# Skipped, with the reason printed, where there is no Chromium; NN_OPT_LAB_REQUIRE_BROWSER=1 (CI) fails instead.
browser: setup
	@$(PY) -m course_lib.build.handouts fetch >/dev/null || echo "(the offline-handout browser test needs these assets)"
	$(PY) -m pytest -q -rs -p no:cacheprovider -m browser tests/test_browser.py

notebooks: setup
	$(PYTEST) $(NBVAL) --nbval solutions --nbval-sanitize-with tests/nbval_sanitize.cfg
	$(PYTEST) $(NBVAL) --nbval-lax chapters

lint: setup
	$(VENV)/bin/ruff check course_lib tests benchmarks solutions chapters

student: setup
	$(PY) -m course_lib.build.student

solutions: setup
	$(PY) -m course_lib.build.notebooks execute
	$(PY) -m course_lib.build.student

# Offline handouts from the executed solutions (course_lib/handouts.py); reveal.js and MathJax come from npm.
slides: setup
	$(PY) -m course_lib.build.handouts slides

html: setup
	$(PY) -m course_lib.build.handouts html

handouts: setup
	$(PY) -m course_lib.build.handouts all

# Build artefacts only. Never a notebook, not even .ipynb_checkpoints (a student's "revert" copies).
clean:
	rm -rf build .pytest_cache .ruff_cache .hypothesis
	find . -path ./.venv -prune -o -name __pycache__ -type d -print -exec rm -rf {} +

# How fast the course feels (issue 9): writes benchmarks/RESULTS.md. Run on an otherwise idle machine.
bench: setup
	$(PY) benchmarks/run.py

# Instructors (course_lib/build/grading.py): a student bundle without answers, and nbgrader autograding.
release: setup
	$(PY) -m course_lib.build.grading release

SUBMISSIONS ?= submissions
grade: setup
	$(PY) -m course_lib.build.grading grade $(SUBMISSIONS)
