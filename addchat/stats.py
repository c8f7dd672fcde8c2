"""Counters for the admin dashboard: polls per minute, push failures and their last errors.

Two stores behind one interface, picked at start-up (like the presence store): Redis, shared by
every process, when ADDCHAT_STATS_REDIS_URL (or a Redis SOCKETIO_MESSAGE_QUEUE) is set; otherwise
this process's memory, and the dashboard says so ("scope": "process"). Counting never fails a
request: a counter that cannot be written is skipped. Messages and feed changes per minute are not
counted here: the database holds them (addchat/admin/dashboard.py reads them there).
"""

import json
import logging
import threading
import time
from collections import deque

import redis
from flask import request

from addchat.context import state

log = logging.getLogger(__name__)

MINUTES_KEPT = 15
ERRORS_KEPT = 5


def _minute(now=None):
    """Return the current minute since the epoch."""
    return int((now or time.time()) // 60)


class MemoryCounters:
    """Per-minute counts and last errors of this process only."""

    scope = "process"

    def __init__(self):
        self._lock = threading.Lock()
        self._counts = {}  # name -> {minute: count}
        self._errors = {}  # name -> deque of {"at", "error"}

    def incr(self, name):
        """Count one event in the current minute."""
        minute = _minute()
        with self._lock:
            buckets = self._counts.setdefault(name, {})
            buckets[minute] = buckets.get(minute, 0) + 1
            for old in [m for m in buckets if m <= minute - MINUTES_KEPT]:
                del buckets[old]

    def per_minute(self, name, minutes=10):
        """Return counts of the last `minutes` minutes, oldest first (the last one still running)."""
        now = _minute()
        with self._lock:
            buckets = dict(self._counts.get(name, {}))
        return [buckets.get(minute, 0) for minute in range(now - minutes + 1, now + 1)]

    def error(self, name, text):
        """Keep one of the last errors of a kind."""
        with self._lock:
            self._errors.setdefault(name, deque(maxlen=ERRORS_KEPT)).appendleft(
                {"at": int(time.time()), "error": text}
            )

    def errors(self, name):
        """Return the last errors of a kind, newest first."""
        with self._lock:
            return list(self._errors.get(name, ()))


class RedisCounters(MemoryCounters):
    """Per-minute counts and last errors shared by every process through Redis."""

    scope = "redis"

    def __init__(self, url, prefix="addchat"):
        super().__init__()
        self.redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = f"{prefix}:stats"

    def incr(self, name):
        """Count one event in the current minute's key (it expires once out of the window)."""
        key = f"{self.prefix}:{name}:{_minute()}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, MINUTES_KEPT * 60)
        pipe.execute()

    def per_minute(self, name, minutes=10):
        """Return counts of the last `minutes` minutes from Redis, oldest first."""
        now = _minute()
        keys = [f"{self.prefix}:{name}:{minute}" for minute in range(now - minutes + 1, now + 1)]
        return [int(value or 0) for value in self.redis.mget(keys)]

    def error(self, name, text):
        """Keep one of the last errors of a kind in a short Redis list."""
        key = f"{self.prefix}:errors:{name}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.lpush(key, json.dumps({"at": int(time.time()), "error": text}))
        pipe.ltrim(key, 0, ERRORS_KEPT - 1)
        pipe.execute()

    def errors(self, name):
        """Return the last errors of a kind, newest first."""
        return [json.loads(item) for item in self.redis.lrange(f"{self.prefix}:errors:{name}", 0, -1)]


def counters_for(config):
    """Build the store the config asks for: Redis when one is configured, else this process's memory."""
    url = config.get("ADDCHAT_STATS_REDIS_URL") or config.get("SOCKETIO_MESSAGE_QUEUE") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisCounters(url, config.get("SOCKETIO_CHANNEL") or "addchat")
    return MemoryCounters()


def counters():
    """Return the current app's counters."""
    return state().counters


def count(name):
    """Count one event; never let a counter fail the request that caused it."""
    try:
        counters().incr(name)
    except Exception as error:  # noqa: BLE001 - a dashboard counter must not break a poll or a send
        # One line, no traceback: while Redis is down every poll would log one (the figure is best effort).
        log.warning("Could not count %s: %s", name, error)


def push_failed(transport, error):
    """Count a failed push through a transport and keep its error for the dashboard."""
    try:
        counters().incr(f"push_failures:{transport}")
        counters().error(f"push:{transport}", f"{type(error).__name__}: {error}"[:300])
    except Exception as failure:  # noqa: BLE001 - the push already failed; its log line stays the record
        log.warning("Could not count a push failure through %s: %s", transport, failure)


def count_polls(response):
    """after_request: count answered polls (the poll itself stays one SELECT and nothing else)."""
    if request.endpoint == "addchat_api.poll" and response.status_code == 200:
        count("polls")
    return response


def init_app(app):
    """Pick this app's counters and count its polls."""
    app.extensions["addchat"].counters = counters_for(app.config)
    app.after_request(count_polls)
