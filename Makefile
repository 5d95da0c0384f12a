# The two commands: `make run` (service with demo data) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

## run: create the venv, install, migrate SQLite (or DATABASE_URL), seed demo users, serve on :5000
run: $(VENV)/.installed
	scripts/ensure-system.sh run
	scripts/run.sh

## test: install and start PostgreSQL, Redis and Chromium if missing; ruff; pytest on both databases
test: $(VENV)/.installed
	scripts/ensure-system.sh test
	scripts/test.sh

## worker: an rq worker (needs REDIS_URL)
worker: $(VENV)/.installed
	FLASK_APP=wsgi $(BIN)/flask worker

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance
