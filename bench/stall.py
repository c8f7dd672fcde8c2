"""Green-thread check: while polls wait on a locked table, does the same process still answer?

One server process (one worker), PostgreSQL. The bench takes an ACCESS EXCLUSIVE lock on
addchat_changes, sends a few polls (they wait in the database for the lock), then loads the
health endpoint with wrk while the lock is held. A driver that cooperates with the green-thread
hub leaves the process free: health answers at full speed. One that blocks in C stops the
whole process: not one health request is answered until the lock goes.
"""

import os
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import make_url

from bench.load import server, wrk

BLOCKED_POLLS = 4
LOCK_SECONDS = 3.0
LOAD_SECONDS = 2


@dataclass
class StallResult:
    """Health figures while polls waited in the database, and how long those polls took."""

    label: str
    health: object
    poll_seconds: list


def wait_function(kind, extra_env, preload=False):
    """Name the psycopg wait function a worker of this kind ends up with.

    Imported after patching, as a worker loads the app; or before it, as gunicorn --preload
    imports the app in the master before the gevent worker patches.
    """
    patch = {
        "gevent": "from gevent import monkey; monkey.patch_all()",
        "eventlet": "import eventlet; eventlet.monkey_patch()",
    }[kind]
    use = "import psycopg.waiting as w"
    code = "\n".join([use, patch] if preload else [patch, use]) + "\nprint(w.wait.__name__)"
    env = {**os.environ, **extra_env}
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, env=env
    )
    return result.stdout.strip() or "?"


def _poll(port, cookie, path, durations):
    """Send one poll and record how long it took to come back."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"session={cookie}"}
    )
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    finally:
        durations.append(time.monotonic() - start)


def run_stall(kind, database_url, secret_key, targets, targets_file, extra_env=None, preload=False):
    """Measure health under one server kind and psycopg set-up while polls are stuck on a lock."""
    extra_env = extra_env or {}
    where = "gunicorn gevent, 1 worker" if kind == "gevent" else "eventlet.wsgi, 1 process"
    if preload:
        where += ", --preload"
    label = f"{where}, psycopg {wait_function(kind, extra_env, preload)}"
    if extra_env:
        label += " (" + " ".join(f"{k}={v}" for k, v in extra_env.items()) + ")"
    extra_args = ["--preload"] if preload else []
    raw_url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with server(
        kind,
        database_url,
        secret_key,
        workers=1,
        extra_env=extra_env,
        extra_args=extra_args,
        log_name="stall",
    ) as running:
        port = running.port
        for cookie, path in targets[:BLOCKED_POLLS]:
            _poll(port, cookie, path, [])  # warm the pool: connections are open before the lock
        durations = []
        with psycopg.connect(raw_url) as locker:
            locker.execute("LOCK TABLE addchat_changes IN ACCESS EXCLUSIVE MODE")
            locked_at = time.monotonic()
            polls = [
                threading.Thread(target=_poll, args=(port, cookie, path, durations))
                for cookie, path in targets[:BLOCKED_POLLS]
            ]
            for thread in polls:
                thread.start()
            time.sleep(0.3)
            health = wrk(running, targets_file, 10, LOAD_SECONDS, path="/addchat/health", timeout=10)
            time.sleep(max(0.0, LOCK_SECONDS - (time.monotonic() - locked_at)))
        # Leaving the block commits, which releases the lock; the stuck polls then finish.
        for thread in polls:
            thread.join(timeout=30)
    return StallResult(label, health, sorted(durations))
