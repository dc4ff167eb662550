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

demo: install
	ARRIMAGE_MODE=demo $(BIN)/arrimage demo
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
