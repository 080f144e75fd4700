# NN-Opt Lab – every command a student, an instructor or CI needs.
#   make lab     open the course (JupyterLab on localhost, token on)
#   make lab-zh  the same with JupyterLab's menus in Simplified Chinese (installs the language pack)
#   make test    the whole test suite (what CI runs)
#   make slides  offline reveal.js decks of the solutions in build/slides/ (make html: build/html/)
# Without make (Windows): python -m course_lib setup | lab | test – this Makefile calls the same code.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
JOBS   ?= 2
# The course's own launcher (course_lib/__main__.py): runs on any Python, checks its version, makes .venv.
COURSE := $(PYTHON) -m course_lib
export NN_OPT_LAB_MAKE_GOALS := $(MAKECMDGOALS)  # for its messages ("run `make PYTHON=python3.12 lab`")

.PHONY: help setup lab lab-zh test test-min unit notebooks notebooks-portable browser lint student solutions \
	slides html handouts clean bench release grade

# The second CPU profile in `make test` (course_lib/build/cpu_profile.py): on; `make test CPU_PROFILE2=0` skips
# it once. The default lives in course_lib/__main__.py (CPU_PROFILE2_IN_TEST).
ifdef CPU_PROFILE2
export NN_OPT_LAB_CPU_PROFILE2 = $(CPU_PROFILE2)
endif

help:
	@sed -n 's/^#   //p' Makefile
	@echo "  make setup      create .venv and install the course into it"
	@echo "  make student    regenerate chapters/ from solutions/ (never overwrites edited chapters)"
	@echo "  make solutions  re-execute solutions/ in place, then regenerate chapters/"
	@echo "  make handouts   make slides + make html (assets fetched once with npm into build/npm/)"
	@echo "  make browser    the browser tests alone (JupyterLab + Chromium; part of make test)"
	@echo "  make notebooks-portable  nbval over solutions/ under the second CPU profile (no AVX2/AVX-512 kernels)"
	@echo "  make test-min   unit tests at the lowest versions pyproject.toml allows (Python 3.11, build/venv-min)"
	@echo "  make clean      remove build artefacts (never a notebook)"
	@echo "  make release    the student bundle (chapters + package, no solutions) in build/release/"
	@echo "  make grade SUBMISSIONS=dir   autograde dir/<student>/<NN_topic>.ipynb with nbgrader -> build/grades.csv"

# Idempotent: pip runs again only when pyproject.toml changed or an extra is missing (a stamp in .venv).
# Refuses a Python TensorFlow has no wheels for, and remakes a .venv made by one (make PYTHON=python3.12 ...).
setup:
	@$(COURSE) setup

# Localhost only, token authentication and XSRF checks on (JupyterLab's secure defaults, spelled out); as
# root, --allow-root with a warning; the news pop-up off (app settings in .venv). LAB_ARGS=--dry-run prints it.
lab:
	@$(COURSE) lab $(LAB_ARGS)

# Optional Simplified Chinese UI: the language pack (extra "zh") and a default locale for this command only
# (app-level overrides.json in build/lab-zh; a language picked in Settings -> Language still wins).
lab-zh:
	@$(COURSE) lab --zh $(LAB_ARGS)

# check (chapters/ not stale), lint, unit, notebooks, [portable], browser – in that order, stopping at a failure.
test:
	@$(COURSE) test --jobs $(JOBS) $(TEST_ARGS)

unit notebooks notebooks-portable browser lint:
	@$(COURSE) test --jobs $(JOBS) $(subst notebooks-portable,portable,$@)

# Not part of `make test` (a second TensorFlow install and the unit suite again): see course_lib/build/min_versions.py.
test-min:
	@$(COURSE) test-min

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
