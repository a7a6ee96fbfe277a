# The two commands of the README: `make run` and `make test`. Nothing else to install.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench bench-render bench-monthly clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/vendorflow run --inputs inputs --outputs outputs

test: $(STAMP)
	$(BIN)/ruff check pipeline tests bench tools
	$(BIN)/ruff format --check pipeline tests bench tools
	$(BIN)/python -m pytest

bench: bench-render bench-monthly

bench-render: $(STAMP)
	$(BIN)/python bench/render.py

# end to end, 1,000 and 5,000 suppliers, against a naive docxtpl loop (about 15 minutes on 2 cores)
bench-monthly: $(STAMP)
	$(BIN)/python bench/monthly.py --sizes 1000,5000

clean:
	rm -rf outputs $(VENV)
