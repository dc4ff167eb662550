# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install messages lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) messages

messages: $(STAMP)
	$(BIN)/python -m arrimage.i18n_compile

# The demo serves with one background worker beside it (exports, large imports, releases and the
# periodic expiries run there); stopping the server (Ctrl+C) stops the worker too.
demo: install
	ARRIMAGE_MODE=demo $(BIN)/arrimage demo
	@echo "Starting the background worker and the server (Ctrl+C stops both)..."
	ARRIMAGE_MODE=demo $(BIN)/arrimage worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	ARRIMAGE_MODE=demo $(BIN)/arrimage serve

# `make test` runs the whole suite, browser tests included (skipped, with the reason in the
# summary, where /usr/bin/chromium is missing). More pytest options: make test PYTEST_ARGS="-x".
PYTEST_ARGS ?=
test: install
	ARRIMAGE_MODE=test $(BIN)/pytest -n 2 --dist loadfile -rs $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var
