"""/addchat/healthz (the process is up; touches nothing) and /addchat/readyz (its dependencies answer).

readyz checks each dependency the config names, each reported by name: the database (always
required), Redis (the Socket.IO message queue, required while notification_type is socketio; the
rate-limit store, never required since limits fall back to memory) and the built-in Pusher server
(required while notification_type is pusher and no PUSHER_CLUSTER is set). It answers 503 when a
required one is down, so a load balancer stops sending traffic that could not be served.
"""

import socket

import redis
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from addchat.context import db_engine, db_session
from addchat.services.settings import notification_type

bp = Blueprint("addchat_ops", __name__)
TIMEOUT = 1.0  # seconds each check may take


@bp.get("/healthz")
def healthz():
    """Say the process is up (no database, no Redis)."""
    return jsonify(ok=True)


def check_database():
    """Run SELECT 1 on a fresh checkout of the pool."""
    with db_engine().connect() as connection:
        connection.execute(text("SELECT 1"))


def check_redis(url):
    """PING a Redis server."""
    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()


def check_tcp(host, port):
    """Open (and close) a TCP connection."""
    with socket.create_connection((host, port), timeout=TIMEOUT):
        pass


def run_check(check, *args):
    """Run one check; return (ok, error text or None)."""
    try:
        check(*args)
        return True, None
    except Exception as error:  # any failure means "not reachable"; the text says which
        return False, f"{type(error).__name__}: {str(error)[:200]}"


def live_notification_type(default):
    """Read the live notification_type; the default when the database cannot say."""
    try:
        return notification_type(db_session(), default)
    except Exception:
        db_session().rollback()
        return default
    finally:
        db_session().remove()


def dependencies(config, live):
    """List (name, required, check, args) for what this config uses."""
    found = [("database", True, check_database, ())]
    queue = config.get("SOCKETIO_MESSAGE_QUEUE")
    if queue and queue.startswith(("redis://", "rediss://")):
        found.append(("redis", live == "socketio", check_redis, (queue,)))
    store = config.get("RATELIMIT_STORAGE_URI") or ""
    if store.startswith(("redis://", "rediss://")) and store != queue:
        found.append(("ratelimit_redis", False, check_redis, (store,)))
    host, port = config.get("PUSHER_HOST"), config.get("PUSHER_PORT")
    if host and port:
        found.append(("pusher_server", live == "pusher", check_tcp, (host, int(port))))
    return found


@bp.get("/readyz")
def readyz():
    """Check every dependency by name; 503 when one the live config needs is down."""
    config = current_app.config
    live = live_notification_type(config["ADDCHAT_DEFAULT_NOTIFICATION_TYPE"])
    checks = {}
    for name, required, check, args in dependencies(config, live):
        ok, error = run_check(check, *args)
        checks[name] = {"ok": ok, "required": required, **({"error": error} if error else {})}
    ready = all(c["ok"] for c in checks.values() if c["required"])
    return jsonify(ok=ready, notification_type=live, checks=checks), 200 if ready else 503
