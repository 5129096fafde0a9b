# Two commands: `make run` (set up + service with the demo) and `make test` (set up + whole suite).
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup run test test-fast bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed
	bash scripts/system-deps.sh runtime

run: setup
	$(BIN)/docs-service init
	$(BIN)/docs-service demo
	$(BIN)/docs-service serve --host $(HOST) --port $(PORT)

# axe-core (accessibility rules) from npm, injected by the browser tests into every page they open.
AXE_VERSION := 4.14.1
AXE := tests/browser/.node/node_modules/axe-core/axe.min.js

$(AXE):
	npm install --no-save --no-audit --no-fund --no-package-lock --prefix tests/browser/.node axe-core@$(AXE_VERSION)

test: setup
	bash scripts/system-deps.sh test
	$(MAKE) $(AXE)
	$(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	bash scripts/system-deps.sh bench
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) instance search_index/* tests/browser/.node
