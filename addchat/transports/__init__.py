"""Transports: one interface (base.py), three adapters, looked up by notification_type."""

from flask import current_app

from addchat.transports.internal import InternalTransport
from addchat.transports.pusher import PusherTransport
from addchat.transports.socketio import SocketIOTransport

TRANSPORT_CLASSES = {cls.name: cls for cls in (InternalTransport, SocketIOTransport, PusherTransport)}


def build_transports(app):
    """Create and bind one instance of every transport for this app."""
    transports = {}
    for name, cls in TRANSPORT_CLASSES.items():
        transport = cls()
        transport.init_app(app)
        transports[name] = transport
    return transports


def transport_for(name):
    """Return this app's transport of that name."""
    return current_app.extensions["addchat"].transports[name]
