# Khuyến công analysis — run `make help` for the targets.
# Two commands matter:  make report  (build everything from data/raw)  and  make test.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
JOBS   ?= 2

.DEFAULT_GOAL := help
.PHONY: help report report-provinces ingest test test-robust lint kernel lab notebooks-clean samples bench bench-report clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(STAMP_DEV): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(STAMP_RUN)

report: $(STAMP_RUN) ## Set up (first time) and build reports/ from data/raw: ingest → notebooks → HTML, figures, Excel
	$(PY) -m analysis report --jobs $(JOBS)

report-provinces: $(STAMP_RUN) ## As report, one set per province in data/raw: reports/<province>/ and reports/index.html
	$(PY) -m analysis report --all-provinces --jobs $(JOBS)

ingest: $(STAMP_RUN) ## Only clean data/raw into data/processed (funding.parquet, rejects, ingest report)
	$(PY) -m analysis ingest

test: $(STAMP_DEV) ## Set up (first time), lint with ruff and run the test suite
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

test-robust: $(STAMP_DEV) ## The long robustness runs left out of make test: kill at every publish point, large whole-run fuzz
	$(BIN)/python -m pytest -n 2 -q -m "kill or fuzz" -s

lint: $(STAMP_DEV) ## Ruff only
	$(BIN)/ruff check src tests benchmarks tools

KERNEL_NAME := khuyencong
KERNEL_DISPLAY := Khuyến công (.venv)

kernel: $(STAMP_DEV) ## Register the project's Jupyter kernel (the one the notebooks name) for every Jupyter of this user
	$(PY) -m ipykernel install --user --name $(KERNEL_NAME) --display-name "$(KERNEL_DISPLAY)"

lab: kernel ## Register the project's Jupyter kernel and open JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks/

notebooks-clean: $(STAMP_DEV) ## Strip outputs from the notebooks (also done by the pre-commit hook)
	$(BIN)/nbstripout notebooks/*.ipynb

samples: $(STAMP_DEV) ## Regenerate the illustrative sample workbooks in data/raw/samples (deterministic)
	$(PY) tools/make_samples.py

bench: $(STAMP_DEV) ## Benchmark ingest against plain pandas reads on a national corpus of the layout zoo (xlsx, xls, ods, csv)
	$(PY) benchmarks/bench_ingest.py

bench-report: $(STAMP_DEV) ## Benchmark report --all-provinces against the naive papermill loop on 34 generated provinces
	$(PY) benchmarks/bench_report.py

clean: ## Remove generated outputs (data/processed, reports); raw data is never touched
	rm -rf data/processed/* data/processed/.cache reports/*
