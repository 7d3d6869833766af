# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INPUT ?= inputs/hartford/hartford.xlsx
OUT ?= outputs/roster.xlsx

.PHONY: run serve screenshots test lint typecheck check bench sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

SAMPLE_CSV := $(wildcard inputs/hartford/*.csv)

# The sample workbook is built from its CSVs, which are what git reviews.
inputs/hartford/hartford.xlsx: $(SAMPLE_CSV) | $(VENV)/.installed
	$(BIN)/python main.py sample inputs/hartford

run: $(VENV)/.installed inputs/hartford/hartford.xlsx
	$(BIN)/python main.py solve $(INPUT) --out $(OUT)

# The browser tests (about 1.5 min) run after the others, when Chromium is installed;
# without it they are skipped, and this says so (.ci/run makes that a failure).
test: $(VENV)/.installed-dev
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q
	@if [ -x /usr/bin/chromium ] || [ -n "$$CRISIS_ROSTER_REQUIRE_BROWSER" ]; then \
		$(BIN)/python -m pytest -q -m browser tests/web; \
	else \
		echo "Browser tests SKIPPED: no Chromium (/usr/bin/chromium); install it with: apt-get install chromium"; \
	fi

# The web app on http://127.0.0.1:8000/ (opens the browser; `make serve ARGS=--no-browser`).
serve: $(VENV)/.installed inputs/hartford/hartford.xlsx
	$(BIN)/python main.py serve $(ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check scheduler tests benchmarks main.py
	$(BIN)/ruff format --check scheduler tests benchmarks main.py

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy scheduler

check: lint typecheck test

sample: inputs/hartford/hartford.xlsx

# docs/screenshots/*.png of every page (needs Chromium).
screenshots: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/screenshots.py

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_solve.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
