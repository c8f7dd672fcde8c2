"""Socket.IO mode: connection rules and events (events.py), the one emit (push.py), the CLI.

Flask-SocketIO serves the sockets; `serve.py` at the top of the tree starts it under eventlet
or gevent (SOCKETIO_ASYNC_MODE). Nothing here calls eventlet or gevent: a process that was not
started by one of them (the flask CLI, the test client) runs Flask-SocketIO in threading mode.
"""

import socket

from addchat.services.presence import presence_store

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
    return {
        "async_mode": process_async_mode(cfg.get("SOCKETIO_ASYNC_MODE")),
        "message_queue": cfg.get("SOCKETIO_MESSAGE_QUEUE"),
        "channel": cfg.get("SOCKETIO_CHANNEL", "addchat"),
        "max_http_buffer_size": cfg.get("ADDCHAT_SOCKET_MAX_PAYLOAD", 16 * 1024),
        # Same-origin only (the default, stated): a page elsewhere cannot ride the session cookie.
        "cors_allowed_origins": None,
    }


def init_app(app):
    """Create this app's presence store, register the socket handlers, sign-out hook and CLI command."""
    from addchat.cli import addchat_cli
    from addchat.realtime import events, signout  # noqa: F401  (events registers the handlers on `socketio`)
    from addchat.realtime.cli import send_command

    app.extensions["addchat_presence"] = presence_store(app.config)
    signout.init_app(app)
    addchat_cli.add_command(send_command)
