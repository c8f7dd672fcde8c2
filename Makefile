# Two commands on a fresh machine: `make run` (demo on SQLite) and `make test` (whole suite).
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: setup browser nginx db run test lint bench vendor wheel

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Copy the pinned npm builds the widget loads into static/addchat/vendor/ (committed, so a fresh
# clone and the wheel serve them without node_modules; tests/test_package.py checks they match).
vendor: node_modules/.installed
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js node_modules/socket.io-client/dist/socket.io.min.js \
	   node_modules/pusher-js/dist/web/pusher.min.js static/addchat/vendor/

# The installable package: dist/flask_addchat-<version>-py3-none-any.whl (README, "Adding the chat ...").
wheel: setup
	$(BIN)/python -m build --wheel --no-isolation --outdir dist .

# Debian's Chromium for the browser tests (Playwright must not download its own).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# Debian's nginx for the production-recipe test (tests/ops/test_production_nginx.py).
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && apt-get install -y -qq nginx; }

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

test: setup browser nginx
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every benchmark, then bench/REPORT.md with its plots and the README's figures (its summary).
# BENCH_QUICK=1: short runs (about 15 minutes); without it, the issue's sizes (1,000 users x 10 minutes
# per soak scenario, 10,000 connections: about 75 minutes). wrk from Debian, Chromium for the widget.
comma := ,
QUICK := $(filter 1,$(BENCH_QUICK))
PUSH_LEVELS := $(if $(QUICK),500$(comma)1000,1000$(comma)5000$(comma)10000)
bench: setup browser
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	mkdir -p bench/results
	$(BIN)/python -m bench.poll $(if $(QUICK),--quick)
	$(BIN)/python -m bench.explain_poll
	$(BIN)/python bench/push.py --levels $(PUSH_LEVELS) --servers gevent,bare,eventlet,pusher,node \
		--close-cycles $(if $(QUICK),2,3) --json bench/results/push.json
	$(BIN)/python -m bench.soak $(if $(QUICK),--quick)
	$(BIN)/python -m bench.feed_write $(if $(QUICK),--quick) | tee bench/results/feed_write.txt
	$(BIN)/python -m bench.notify_bulk --all
	$(BIN)/python -m bench.widget_polling $(if $(QUICK),--quick)
	$(BIN)/python -m bench.report
