"""The options Flask-SocketIO is bound with, and the async mode this process can serve.

`serve.py` at the top of the tree starts the sockets under eventlet or gevent
(SOCKETIO_ASYNC_MODE). Nothing here calls eventlet or gevent: a process that was not started by
one of them (the flask CLI, the test client) runs Flask-SocketIO in threading mode.
"""

import socket

from addchat.ops.memory import CloseWatcher
from addchat.transports.socketio.queue import client_manager

GREEN_MODES = ("eventlet", "gevent")


def process_async_mode(configured):
    """Return the async mode this process can serve: the green library that patched it, if any."""
    patched_by = socket.socket.__module__.split(".")[0]
    if patched_by in GREEN_MODES:
        return patched_by
    # Unpatched (CLI, tests, `flask run`): importing eventlet here would only warn and block.
    return "threading" if configured in GREEN_MODES else configured


def socketio_options(app):
    """Return the options `socketio.init_app` gets from the config."""
    cfg = app.config
    options = {
        "async_mode": process_async_mode(cfg.get("SOCKETIO_ASYNC_MODE")),
        "message_queue": cfg.get("SOCKETIO_MESSAGE_QUEUE"),
        "channel": cfg.get("SOCKETIO_CHANNEL", "addchat"),
        "max_http_buffer_size": cfg.get("ADDCHAT_SOCKET_MAX_PAYLOAD", 16 * 1024),
        "ping_interval": cfg.get("SOCKETIO_PING_INTERVAL", 25),
        "ping_timeout": cfg.get("SOCKETIO_PING_TIMEOUT", 20),
        # Same-origin only (the default, stated): a page elsewhere cannot ride the session cookie.
        "cors_allowed_origins": None,
    }
    manager = client_manager(options["message_queue"], options["channel"])
    if manager is not None:
        options["client_manager"] = manager  # rooms indexed per client; Redis re-subscribed promptly
        del options["channel"]
    return options


def watch_closes(socketio, threshold, interval=5.0):
    """Background task of serve.py: give memory back once `threshold` WebSockets have closed."""
    watcher = CloseWatcher(threshold)
    while True:
        socketio.sleep(interval)
        watcher.check(len(socketio.server.eio.sockets))
