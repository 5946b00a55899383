# Salesite developer commands. The README's quick start is `make run` and `make test`.
.DEFAULT_GOAL := help
.PHONY: help venv run test lint format bench bench-scale-data bench-scale bench-import

VENV_PY := .venv/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist); 0 runs the tests in this process.
PYTEST_WORKERS ?= 3

help:
	@echo "make run    - set up .venv, migrate, seed the demo, start web + Celery worker + beat"
	@echo "make test   - set up .venv and run the whole test suite (pytest)"
	@echo "make lint   - ruff format --check and ruff check"
	@echo "make format - ruff format and ruff check --fix"
	@echo "make bench  - time the main pages on a large generated dataset"
	@echo "make bench-scale-data - (re)build the PostgreSQL bench databases at 1x and 10x"
	@echo "make bench-scale      - time dashboards and lists at 1x and 10x, side by side"
	@echo "make bench-import     - time the owner-register import job on 50,000 rows (PostgreSQL)"

venv:
	@scripts/ensure_venv.sh

run: venv
	@PORT=$(PORT) scripts/run_demo.sh

# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: without it every test process
# compiles the project and rewrites the test modules' asserts again (about 4 s each).
test: venv
	PYTHONDONTWRITEBYTECODE= $(VENV_PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .

format: venv
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench: venv
	$(VENV_PY) bench/bench_pages.py $(BENCH_ARGS)

# PostgreSQL bench databases <BENCH_PG>/salesite_bench_1 and _10 (README, Benchmarks).
BENCH_PG ?= postgres://postgres@127.0.0.1:5432

bench-scale-data: venv
	for s in 1 10; do \
	  dropdb --if-exists --maintenance-db=$(BENCH_PG)/postgres salesite_bench_$$s && \
	  createdb --maintenance-db=$(BENCH_PG)/postgres salesite_bench_$$s && \
	  $(VENV_PY) bench/build_data.py --database-url $(BENCH_PG)/salesite_bench_$$s --scale $$s \
	  || exit 1; \
	done

bench-scale: venv
	$(VENV_PY) bench/bench_scale.py --run 1x=$(BENCH_PG)/salesite_bench_1 \
	  --run 10x=$(BENCH_PG)/salesite_bench_10 $(BENCH_ARGS)

# The owner-register import job on a generated 50,000-row register (README, Benchmarks), on a
# fresh PostgreSQL database <BENCH_PG>/salesite_imports_bench; BENCH_ARGS="--format csv" etc.
bench-import: venv
	dropdb --if-exists --maintenance-db=$(BENCH_PG)/postgres salesite_imports_bench
	createdb --maintenance-db=$(BENCH_PG)/postgres salesite_imports_bench
	$(VENV_PY) bench/bench_import.py --database-url $(BENCH_PG)/salesite_imports_bench $(BENCH_ARGS)
