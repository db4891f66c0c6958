# Metreleptin knowledge base. `make help` lists the targets.
# `make serve` and `make test` set everything up on first use (Python 3.11 and make are all you need).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Material 9.8 prints a long notice about MkDocs 2 on every run; this site stays on MkDocs 1.x.
export DISABLE_MKDOCS_2_WARNING := true
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help serve build test lint browser-deps bench coverage release clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.site: $(BIN)/activate requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.site requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

serve: $(VENV)/.site ## Serve the site at http://127.0.0.1:8000 with live reload
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

build: $(VENV)/.site ## Build the site into site/ (strict), with every release under site/v/<release>/
	$(BIN)/mkdocs build --strict -d site

browser-deps: ## Install Debian's Chromium, ChromeDriver, fonts and npm if missing (sudo when not root)
	@scripts/install-browser-deps.sh

lint: $(VENV)/.dev ## ruff check and ruff format --check on scripts/ and tests/
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests

test: browser-deps $(VENV)/.dev node_modules/.installed lint ## Lint, then the whole suite (builds the real site, drives Chromium)
	$(BIN)/pytest

release: $(VENV)/.dev ## Tag a release (YYYY.MM.DD) after make test passes; refreshes published-anchors.txt
	$(BIN)/python scripts/release.py

coverage: $(VENV)/.site ## Citation coverage per page
	$(BIN)/python scripts/citation_coverage.py

bench: $(VENV)/.dev node_modules/.installed ## Benchmark build time, page weight, search speed, Lighthouse
	$(BIN)/python scripts/bench.py $(ARGS)

clean: ## Remove the built site and caches (keeps .venv)
	rm -rf site .cache test-output bench-output .pytest_cache
