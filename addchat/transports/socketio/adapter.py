"""The socketio transport: each change goes to its user's room through push.py."""

from flask import current_app

from addchat.extensions import socketio
from addchat.transports.base import Transport
from addchat.transports.socketio import events, signout  # noqa: F401  (events registers the handlers)
from addchat.transports.socketio.presence import presence_store
from addchat.transports.socketio.push import push_change
from addchat.transports.socketio.separate import apply_blocks
from addchat.transports.socketio.server import socketio_options


class SocketIOTransport(Transport):
    """Push over WebSockets; rooms span processes through SOCKETIO_MESSAGE_QUEUE."""

    name = "socketio"
    summary = "Pushed over WebSockets (Flask-SocketIO), with typing and online presence."

    def init_app(self, app):
        """Bind Flask-SocketIO, this app's presence store, the socket handlers and the sign-out hook."""
        socketio.init_app(app, **socketio_options(app))
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

    def client_config(self, user):
        """Tell the widget where the Socket.IO endpoint is."""
        return {"path": "/socket.io"}
