# Two commands on a fresh machine: `make run` (demo on SQLite) and `make test` (whole suite).
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: setup browser db run test lint bench

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Debian's Chromium for the browser tests (Playwright must not download its own).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

db: setup
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask addchat seed-demo

# The Socket.IO-capable server (SOCKETIO_ASYNC_MODE: gevent by default, or eventlet), and beside it
# the built-in Pusher-protocol server, so an admin can switch to pusher mode with one click; both
# stop together (Ctrl-C).
run: db
	@$(BIN)/flask addchat pusher-server & pusher=$$!; trap 'kill $$pusher 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python serve.py --host 127.0.0.1 --port 5000

test: setup browser
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Poll benchmark and the PostgreSQL plan of the poll (see README, Benchmarks); wrk from Debian.
bench: setup
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.poll
	$(BIN)/python -m bench.explain_poll
	$(BIN)/python -m bench.push
