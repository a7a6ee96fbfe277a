# The two commands of the README: `make run` and `make test`. Nothing else to install.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-run
TESTED := $(VENV)/.installed-test
SAMPLE_MONTHS := 2026-07 2026-08 2026-09 2026-10
# pytest workers (pytest-xdist): both cores by default; TEST_WORKERS=0 runs the suite in one process
TEST_WORKERS ?= 2

.PHONY: run test bench bench-render bench-monthly bench-pdf bench-workforce bench-roster bench-analytics bench-store clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# what running needs
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# what the tests need besides (pytest, ruff, hypothesis, an SMTP server, Dask)
$(TESTED): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TESTED)

# the whole sample, July to October, so that the quarterly review and history have their months
run: $(STAMP)
	for month in $(SAMPLE_MONTHS); do $(BIN)/vendorflow run --period $$month --inputs inputs --outputs outputs || exit $$?; done

test: $(TESTED)
	$(BIN)/ruff check pipeline tests bench tools
	$(BIN)/ruff format --check pipeline tests bench tools
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

bench: bench-render bench-monthly bench-pdf bench-workforce bench-roster bench-analytics bench-store

bench-render: $(TESTED)
	$(BIN)/python bench/render.py

# end to end, 1,000 and 5,000 suppliers, against a naive docxtpl loop (about 15 minutes on 2 cores)
bench-monthly: $(TESTED)
	$(BIN)/python bench/monthly.py --sizes 1000,5000

# PDF conversions per second: one LibreOffice start per batch against the persistent pool
bench-pdf: $(TESTED)
	$(BIN)/python bench/pdf.py --documents 60 --pool 2

# the compute stage at 10,000 and 100,000 workers over 20 and 100 suppliers
bench-workforce: $(TESTED)
	$(BIN)/python bench/workforce.py --workers 10000,100000 --suppliers 20,100

# a dispatch agency's statement at 500, 2,500 and 5,000 workers: roster in Word against the workbook annex
bench-roster: $(TESTED)
	$(BIN)/python bench/roster.py --workers 500,2500,5000

# the cost analysis and `vendorflow history --xlsx` over 24 months x 5,000 suppliers, beside the other stages
bench-analytics: $(TESTED)
	$(BIN)/python bench/analytics.py --suppliers 5000 --periods 24

# the monthly run at 5,000 suppliers with the history store on SQLite and on PostgreSQL: the store's share
bench-store: $(TESTED)
	$(BIN)/python bench/store.py --suppliers 5000 --backends sqlite,postgresql

clean:
	rm -rf outputs $(VENV)
