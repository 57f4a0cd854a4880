# Two entry points: `make run` (build, validate and summarise the bundled corpus) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KG     := $(BIN)/kg

.PHONY: run test install system-deps lint canonical clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

system-deps:
	@bash .ci/system-deps.sh

run: install
	$(KG) build
	$(KG) validate
	$(KG) stats
	$(KG) queries --run --limit 12

test: install system-deps
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check kg tests
	$(BIN)/mypy

canonical: install
	$(BIN)/python -m kg.canonical ontology/cekg.ttl ontology/shapes.ttl

clean:
	rm -rf .kg build dist *.egg-info
