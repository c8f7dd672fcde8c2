"""The socketio transport: each change goes to its user's room through push.py."""

from flask import current_app

from addchat.extensions import socketio
from addchat.ops.websocket import RefuseCompression, compression_enabled
from addchat.transports.base import Transport
from addchat.transports.socketio import events, signout  # noqa: F401  (events registers the handlers)
from addchat.transports.socketio.pings import ping_from_timers
from addchat.transports.socketio.presence import presence_store
from addchat.transports.socketio.push import push_change
from addchat.transports.socketio.separate import apply_blocks
from addchat.transports.socketio.server import GREEN_MODES, socketio_options

# WSGI servers that hand Flask-SocketIO's threading mode the raw socket (simple-websocket uses it).
RAW_SOCKET_KEYS = ("werkzeug.socket", "gunicorn.socket")


class SocketIOTransport(Transport):
    """Push over WebSockets; rooms span processes through SOCKETIO_MESSAGE_QUEUE."""

    name = "socketio"
    summary = (
        "Pushed over a WebSocket the web server holds (Flask-SocketIO): news in well under a second, "
        "with typing and presence; costs one open connection per widget (about 50 to 65 KiB each); "
        "needs serve.py under gevent or eventlet, and Redis for several processes."
    )

    def init_app(self, app):
        """Bind Flask-SocketIO, this app's presence store, the socket handlers and the sign-out hook."""
        socketio.init_app(app, **socketio_options(app))
        ping_from_timers(socketio.server.eio)  # no green thread parked per idle socket for its pings
        if not compression_enabled(app.config):
            app.wsgi_app = RefuseCompression(app.wsgi_app)  # outermost: before Engine.IO sees the offer
        app.extensions["addchat_presence"] = presence_store(app.config)
        signout.init_app(app)

    def publish(self, changes, origin=None):
        """Emit every change to its user's room (user 0: every connection)."""
        # A new block first: neither may hear the other's presence from now on.
        apply_blocks(current_app.extensions["addchat_presence"], changes)
        for change in changes:
            push_change(change)

    def unreachable_reason(self, config):
        """A process without the message queue cannot reach the server's sockets."""
        if not config.get("SOCKETIO_MESSAGE_QUEUE"):
            return "SOCKETIO_MESSAGE_QUEUE is not set, so this process cannot reach the server's sockets"
        return None

    def unavailable_reason(self, environ):
        """Refuse when this process's server cannot hold WebSockets (threading mode without a raw socket)."""
        if socketio.async_mode in GREEN_MODES or any(environ.get(key) for key in RAW_SOCKET_KEYS):
            return None
        if not environ.get("SERVER_SOFTWARE"):
            return None  # no server at all (the Flask test client): nothing to judge by
        return (
            f"This process cannot serve WebSockets: Flask-SocketIO runs in {socketio.async_mode} mode under "
            f"{environ['SERVER_SOFTWARE']}. Start the site with serve.py (SOCKETIO_ASYNC_MODE=gevent or "
            "eventlet) or gunicorn's GeventWebSocketWorker."
        )

    def live_stats(self):
        """Count open Socket.IO connections and online users from the presence store."""
        store = current_app.extensions["addchat_presence"]
        connections, users = store.counts()
        return {"connections": connections, "online_users": users, "scope": store.scope}

    def client_config(self, user):
        """Tell the widget where the Socket.IO endpoint is."""
        return {"path": "/socket.io"}
