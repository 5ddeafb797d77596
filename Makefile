# Spa Ops: `make run` starts the app on the demo database, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/spaops init --demo-if-new
	$(BIN)/streamlit run serve.py

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# The seed first (it leaves the PostgreSQL chain the others reuse); the pages in Chromium
# through their slow test, which prints every page's first and repeat view.
bench: $(STAMP)
	$(BIN)/python bench/seed_bench.py
	for b in $(filter-out bench/seed_bench.py bench/pages_bench.py,$(wildcard bench/*_bench.py)); \
		do $(BIN)/python $$b || exit 1; done
	$(BIN)/pytest -m slow -s tests/test_benches.py

clean:
	rm -rf $(VENV) data/*.db data/*.db-wal data/*.db-shm
