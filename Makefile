# Salesite developer commands. The README's quick start is `make run` and `make test`.
.DEFAULT_GOAL := help
.PHONY: help venv run test lint format bench

VENV_PY := .venv/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

help:
	@echo "make run    - set up .venv, migrate, seed the demo, start web + Celery worker + beat"
	@echo "make test   - set up .venv and run the whole test suite (pytest)"
	@echo "make lint   - ruff format --check and ruff check"
	@echo "make format - ruff format and ruff check --fix"
	@echo "make bench  - time the main pages on a large generated dataset"

venv:
	@scripts/ensure_venv.sh

run: venv
	@PORT=$(PORT) scripts/run_demo.sh

test: venv
	$(VENV_PY) -m pytest $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .

format: venv
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench: venv
	$(VENV_PY) bench/bench_pages.py $(BENCH_ARGS)
