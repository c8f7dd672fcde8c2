"""AddChat's defaults: config classes chosen by name (see the README's settings table).

A host site gets every ADDCHAT_/PUSHER_/SOCKETIO_/RATELIMIT_ setting of `Config` it did not set
itself (AddChat.init_app); the standalone app's config.py at the top of the repository extends
these classes. Nothing here reads a file outside the package.
"""

import math
import os
from collections import Counter


def _env_int(name, default):
    """Read an integer setting from the environment."""
    return int(os.environ.get(name, default))


# Set only when the site uses Pusher Channels itself (see the Pusher settings below).
_PUSHER_CLUSTER = os.environ.get("PUSHER_CLUSTER")


class Config:
    """Settings shared by every environment; each can be overridden from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    # A relative SQLite path lands in the app's instance folder (Flask-SQLAlchemy).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///addchat.db")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # SQLite only: WAL journal, synchronous=NORMAL and a 5 s busy timeout on each connection.
    ADDCHAT_SQLITE_WAL = os.environ.get("ADDCHAT_SQLITE_WAL", "true").lower() != "false"
    # Green threads: psycopg 3 cooperates with gevent when imported after monkey-patching (gunicorn
    # -k gevent); under eventlet or gunicorn --preload, set PSYCOPG_WAIT_FUNC=wait_select in the
    # environment, or one slow query stalls the process (README, Benchmarks).
    # Largest request body accepted at all; bigger requests get a JSON 413.
    MAX_CONTENT_LENGTH = 64 * 1024
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    # Flask-Login's remember-me cookie: not readable by scripts, not sent on cross-site requests;
    # its value changes at every sign-in and dies at sign-out (README, Security).
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # The token lives as long as the session, so an open widget never goes stale.
    WTF_CSRF_TIME_LIMIT = None

    # Operations. Seconds a client is told to wait (Retry-After) when the database cannot be reached.
    ADDCHAT_DB_RETRY_AFTER = _env_int("ADDCHAT_DB_RETRY_AFTER", 5)
    # Log lines: "text" for a terminal, "json" (one object a line, with the request id) for production.
    ADDCHAT_LOG_FORMAT = os.environ.get("ADDCHAT_LOG_FORMAT", "text")

    # Chat behaviour.
    ADDCHAT_MAX_BODY_LENGTH = _env_int("ADDCHAT_MAX_BODY_LENGTH", 5000)
    ADDCHAT_POLL_INTERVAL_MS = _env_int("ADDCHAT_POLL_INTERVAL_MS", 3000)
    # Internal mode polls faster while a conversation is open in a focused tab (a reply shows
    # within about a second), and slower while the tab is hidden.
    ADDCHAT_POLL_ACTIVE_MS = _env_int("ADDCHAT_POLL_ACTIVE_MS", 1000)
    ADDCHAT_POLL_HIDDEN_MS = _env_int("ADDCHAT_POLL_HIDDEN_MS", 15000)
    # Seconds after sending during which its sender may still edit a message.
    ADDCHAT_EDIT_WINDOW_S = _env_int("ADDCHAT_EDIT_WINDOW_S", 15 * 60)
    ADDCHAT_POLL_BATCH = _env_int("ADDCHAT_POLL_BATCH", 200)
    ADDCHAT_HISTORY_PAGE = 30
    # The widget's panel title and accent colour until an admin stores others ("": the widget's own).
    ADDCHAT_WIDGET_TITLE = os.environ.get("ADDCHAT_WIDGET_TITLE", "")
    ADDCHAT_WIDGET_COLOR = os.environ.get("ADDCHAT_WIDGET_COLOR", "")
    # notification_type used until an admin stores another one in the settings table.
    ADDCHAT_DEFAULT_NOTIFICATION_TYPE = os.environ.get("ADDCHAT_NOTIFICATION_TYPE", "internal")
    # Host-site user model columns shown in the widget.
    ADDCHAT_USER_NAME_FIELD = "name"
    ADDCHAT_USER_AVATAR_FIELD = "avatar"
    ADDCHAT_USER_ADMIN_FIELD = "is_admin"
    # Email digests (`flask addchat send-digests`): the host's address column, how long a message
    # stays unseen before it is mailed (and the least time between two emails of one conversation),
    # how long after an open widget's last heartbeat (every 60 s) its user counts as away, and the
    # link back in the email.
    ADDCHAT_USER_EMAIL_FIELD = os.environ.get("ADDCHAT_USER_EMAIL_FIELD", "email")
    ADDCHAT_DIGEST_DELAY_S = _env_int("ADDCHAT_DIGEST_DELAY_S", 600)
    ADDCHAT_AWAY_AFTER_S = _env_int("ADDCHAT_AWAY_AFTER_S", 150)
    ADDCHAT_SITE_URL = os.environ.get("ADDCHAT_SITE_URL", "http://127.0.0.1:5000/")
    # SMTP for the digests (Flask-Mail's own settings; a host site sets its own).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "false").lower() == "true"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "false").lower() == "true"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "AddChat <chat@localhost>")
    # Content-Security-Policy of AddChat's own HTML pages (the admin page); unset: same-origin
    # scripts, styles and connections only, no inline code, never framed (addchat/hardening.py).
    ADDCHAT_PAGE_CSP = os.environ.get("ADDCHAT_PAGE_CSP")

    # Rate limits (Flask-Limiter syntax); storage in memory unless a Redis URL is given.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # A Redis store that goes away must not fail requests: count in this process's memory meanwhile
    # (limits then hold per process), and retry the store in the background (Flask-Limiter).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Give up on an unreachable store within a second, not the OS's connect timeout.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    ADDCHAT_SEND_RATE_LIMIT = os.environ.get("ADDCHAT_SEND_RATE_LIMIT", "20/10 seconds")
    ADDCHAT_POLL_RATE_LIMIT = os.environ.get("ADDCHAT_POLL_RATE_LIMIT", "120/minute")
    ADDCHAT_AUTH_RATE_LIMIT = os.environ.get("ADDCHAT_AUTH_RATE_LIMIT", "60/minute")
    # The demo's sign-in: failed attempts allowed per account and per client address (429 beyond).
    LOGIN_RATE_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_RATE_LIMIT_PER_ACCOUNT", "5/minute;20/hour")
    LOGIN_RATE_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_RATE_LIMIT_PER_ADDRESS", "20/minute;100/hour")
    # Events one Socket.IO connection may send (typing, presence:watch), counted in the same store.
    ADDCHAT_SOCKET_EVENT_RATE_LIMIT = os.environ.get("ADDCHAT_SOCKET_EVENT_RATE_LIMIT", "40/10 seconds")
    # The poll reads the user id from the signed session alone (its one-SELECT rule); False makes it
    # load the user through Flask-Login like every other endpoint (one more query per poll).
    ADDCHAT_POLL_TRUSTS_SESSION = os.environ.get("ADDCHAT_POLL_TRUSTS_SESSION", "true").lower() == "true"

    # Socket.IO transport. The async mode is the one `python serve.py` starts (eventlet or gevent);
    # processes it did not start (flask CLI, tests) run threading and never import either.
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "gevent")
    # WebSocket permessage-deflate on AddChat's servers (serve.py, the built-in Pusher server): off,
    # as it costs a zlib pair per connection (about 100 KiB each) for small JSON pushes.
    ADDCHAT_WEBSOCKET_COMPRESSION = os.environ.get("ADDCHAT_WEBSOCKET_COMPRESSION", "false").lower() == "true"
    # Collect garbage and malloc_trim once this many WebSockets have closed (memory back to the system).
    ADDCHAT_TRIM_AFTER_CLOSES = _env_int("ADDCHAT_TRIM_AFTER_CLOSES", 100)
    # redis://... shares rooms, presence and typing between server processes (and outside emitters).
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE")
    # Pub/sub channel on the queue, also the prefix of AddChat's Redis keys.
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "addchat")
    # Largest Socket.IO packet a client may send (typing and presence events are tiny).
    ADDCHAT_SOCKET_MAX_PAYLOAD = _env_int("ADDCHAT_SOCKET_MAX_PAYLOAD", 16 * 1024)
    # Engine.IO keepalive: the server pings every interval; a client silent for the timeout after a
    # ping is dropped (python-engineio's defaults; each ping is a timer, see transports/socketio/pings.py).
    SOCKETIO_PING_INTERVAL = _env_int("SOCKETIO_PING_INTERVAL", 25)
    SOCKETIO_PING_TIMEOUT = _env_int("SOCKETIO_PING_TIMEOUT", 20)
    # Seconds a connection stays online in Redis without its process's heartbeat (a crashed process);
    # every process refreshes its own and sweeps lapsed ones every third of it (watchers hear "offline").
    ADDCHAT_PRESENCE_TTL = _env_int("ADDCHAT_PRESENCE_TTL", 60)
    # Most users one connection may watch for online/offline changes.
    ADDCHAT_PRESENCE_WATCH_MAX = _env_int("ADDCHAT_PRESENCE_WATCH_MAX", 200)
    # Typing: a "start" is relayed at most once per throttle; the state lapses after the timeout.
    ADDCHAT_TYPING_THROTTLE_MS = _env_int("ADDCHAT_TYPING_THROTTLE_MS", 1000)
    ADDCHAT_TYPING_TIMEOUT_MS = _env_int("ADDCHAT_TYPING_TIMEOUT_MS", 6000)
    # Widget: re-send "typing" at most this often while typing; send "stopped" after this idle time.
    ADDCHAT_TYPING_REPEAT_MS = _env_int("ADDCHAT_TYPING_REPEAT_MS", 3000)
    ADDCHAT_TYPING_IDLE_MS = _env_int("ADDCHAT_TYPING_IDLE_MS", 4000)
    # Push transports confirm pushes with a poll: this long after the last push (a lost or
    # out-of-order push is found within it), and at least this often while idle.
    ADDCHAT_PUSH_SETTLE_MS = _env_int("ADDCHAT_PUSH_SETTLE_MS", 1500)
    ADDCHAT_PUSH_SAFETY_POLL_MS = _env_int("ADDCHAT_PUSH_SAFETY_POLL_MS", 60000)

    # Pusher transport. Without PUSHER_CLUSTER it triggers into the built-in Pusher-protocol server
    # (`flask addchat pusher-server`, started by `make run`) on 127.0.0.1:6001; setting the four
    # credentials PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET and PUSHER_CLUSTER points it at Pusher.
    PUSHER_APP_ID = os.environ.get("PUSHER_APP_ID", "100001")
    PUSHER_KEY = os.environ.get("PUSHER_KEY", "addchat-key")
    PUSHER_SECRET = os.environ.get("PUSHER_SECRET", "addchat-secret")
    PUSHER_CLUSTER = _PUSHER_CLUSTER or "mt1"
    PUSHER_HOST = os.environ.get("PUSHER_HOST", "" if _PUSHER_CLUSTER else "127.0.0.1") or None
    PUSHER_PORT = _env_int("PUSHER_PORT", 0 if _PUSHER_CLUSTER else 6001) or None
    PUSHER_SSL = os.environ.get("PUSHER_SSL", "true" if _PUSHER_CLUSTER else "false").lower() == "true"
    # Where browsers reach the Pusher-protocol server when not at PUSHER_HOST:PUSHER_PORT (a proxy).
    PUSHER_WS_HOST = os.environ.get("PUSHER_WS_HOST") or None
    PUSHER_WS_PORT = _env_int("PUSHER_WS_PORT", 0) or None
    # Seconds a trigger may take before it is logged as failed (widgets then catch up by polling).
    PUSHER_TIMEOUT = _env_int("PUSHER_TIMEOUT", 5)
    # Seconds the admin page waits for the Pusher server's channel listing (is it there? who is on?).
    ADDCHAT_PUSHER_PROBE_TIMEOUT = _env_int("ADDCHAT_PUSHER_PROBE_TIMEOUT", 2)
    # The built-in Pusher-protocol server (`flask addchat pusher-server`); Redis shares it across instances.
    PUSHER_SERVER_HOST = os.environ.get("PUSHER_SERVER_HOST", "127.0.0.1")
    PUSHER_SERVER_PORT = _env_int("PUSHER_SERVER_PORT", 6001)
    PUSHER_SERVER_REDIS_URL = os.environ.get("PUSHER_SERVER_REDIS_URL")
    # Where the dashboard's counters (polls, push failures) live: redis://... shares them across
    # processes; unset, the Socket.IO message queue's Redis if there is one, else this process's memory.
    ADDCHAT_STATS_REDIS_URL = os.environ.get("ADDCHAT_STATS_REDIS_URL")
    # Most channels one POST /addchat/pusher/auth/batch may sign (the widget watches up to 100 contacts).
    ADDCHAT_PUSHER_AUTH_BATCH_MAX = _env_int("ADDCHAT_PUSHER_AUTH_BATCH_MAX", 101)


class DevelopmentConfig(Config):
    """Local demo: SQLite file in instance/, debug off the reloader's way."""

    DEBUG = False


class TestingConfig(Config):
    """Tests: a throwaway database given by the test, CSRF still on."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    # The Flask test client runs in-process; real-server socket tests pick their own mode.
    SOCKETIO_ASYNC_MODE = "threading"
    RATELIMIT_ENABLED = True


# Values published in this repository (README, config, tests): never acceptable in production.
PUBLISHED_SECRETS = {
    "SECRET_KEY": {"dev-only-change-me", "realtime-tests-secret", "change-me", "changeme", "secret"},
    "PUSHER_SECRET": {"addchat-secret", "test-secret", "your-secret", "secret"},
    "PUSHER_KEY": {"addchat-key", "test-key", "your-key"},
    "PUSHER_APP_ID": {"100001", "4242", "123456"},
}
# A secret must be this long and carry this many bits by its own character counts:
# `python -c "import secrets; print(secrets.token_urlsafe(32))"` gives 43 characters, about 200 bits.
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 96


def secret_bits(value):
    """Estimate a secret's entropy in bits from its character frequencies (Shannon, times length)."""
    if not value:
        return 0.0
    counts = Counter(value)
    return -sum(n * math.log2(n / len(value)) for n in counts.values())


def secret_problems(config):
    """List what makes a config's secrets unfit for production, each naming the variable to set."""
    problems = []
    for name in ("SECRET_KEY", "PUSHER_SECRET"):
        value = getattr(config, name, None) or ""
        if value in PUBLISHED_SECRETS[name]:
            problems.append(f"{name} is a published default: set {name} in the environment.")
        elif len(value) < MIN_SECRET_LENGTH or secret_bits(value) < MIN_SECRET_BITS:
            problems.append(
                f"{name} is too weak: set {name} to at least {MIN_SECRET_LENGTH} random characters "
                f"(secrets.token_urlsafe(32))."
            )
    if getattr(config, "PUSHER_HOST", None):
        # Not Pusher Channels (PUSHER_CLUSTER unset): the built-in or a self-hosted server serves the
        # app these identify, and defaults would be the same on every site.
        for name in ("PUSHER_KEY", "PUSHER_APP_ID"):
            if (getattr(config, name, None) or "") in PUBLISHED_SECRETS[name] | {""}:
                problems.append(f"{name} is a published default: set {name} in the environment.")
    return problems


class ProductionConfig(Config):
    """Production: secrets must come from the environment, cookies only over HTTPS."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    ADDCHAT_LOG_FORMAT = os.environ.get("ADDCHAT_LOG_FORMAT", "json")

    @classmethod
    def check(cls):
        """Refuse to start with a published default or a weak secret, naming what to set."""
        problems = secret_problems(cls)
        if problems:
            raise RuntimeError("Refusing to start in production:\n  " + "\n  ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
