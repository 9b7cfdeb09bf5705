# Kiểm Chứng: the two commands of the quick start, and a few for developers.
# Every target creates or refreshes the virtual environment (.venv) by itself.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test venv lint typecheck bench es-start es-stop es-status clean help

help:
	@echo "make demo   - run the nightly job once on the bundled demo site (embedded store)"
	@echo "make test   - the whole test suite, with a real Elasticsearch node it starts itself"
	@echo "make lint   - ruff and mypy on the packages"
	@echo "make bench  - the benchmarks under bench/"
	@echo "make es-start / es-stop - a development Elasticsearch node on 127.0.0.1"

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: venv
	$(BIN)/kiemchung demo

test: venv
	bash scripts/test.sh

lint: venv
	$(BIN)/ruff check core crawlers nlp models index reports alerts flows dashboards cli tests bench scripts
	$(BIN)/mypy core crawlers nlp models index reports alerts flows dashboards cli

bench: venv
	bash scripts/bench.sh

es-start:
	@$(PYTHON) scripts/es_node.py start --name dev

es-stop:
	@$(PYTHON) scripts/es_node.py stop --name dev

es-status:
	@$(PYTHON) scripts/es_node.py status --name dev

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
