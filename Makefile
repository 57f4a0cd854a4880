# Two entry points: `make run` (build, validate and summarise the bundled corpus) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KG     := $(BIN)/kg

.PHONY: run test install system-deps tools lint canonical clean bench bench-quick screenshots reference

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

system-deps:
	@bash .ci/system-deps.sh

# The KGX validator and the Biolink Model Toolkit, in .venv-kgx (kgx needs numpy<2; see docs/exporting.md).
tools:
	@PYTHON=$(PYTHON) bash .ci/tools-venv.sh

run: install
	$(KG) build
	$(KG) validate
	$(KG) stats
	$(KG) queries --run --limit 12
	$(KG) viz --view entities --out .kg/entities.html

test: install system-deps tools
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check kg tests bench notebooks
	$(BIN)/mypy

# Benchmarks at 1k, 10k and 100k claims: bench/results.json and docs/benchmarks.md (see bench/README.md).
bench: install system-deps
	$(BIN)/python -m bench.run

# A minute's check of the benchmarks on small corpora; results under bench/.cache/quick/.
bench-quick: install system-deps
	$(BIN)/python -m bench.run --quick

# The pictures of the docs, taken by the browser tests (docs/images/).
screenshots: install system-deps
	KG_SCREENSHOTS=docs/images $(BIN)/python -m pytest -q tests/test_viz_browser.py -k "entities or clicking"
	KG_SCREENSHOTS=docs/images $(BIN)/python -m pytest -q tests/test_audit_browser.py -k offline

# The generated references (docs/reference/): every command's --help and every term of the ontology; and the
# corpus figures of docs/audit.md.
reference: install
	$(KG) dev reference

canonical: install
	$(KG) dev canonical ontology/cekg.ttl ontology/shapes.ttl

clean:
	rm -rf .kg build dist *.egg-info
