"""Transports: the registry, the ONE list of notification_types. One interface (base.py), three adapters.

Each adapter is a folder (or module) of its own that mounts what it needs in its `init_app`:
socket handlers, blueprints, CLI commands. Everything else reads the list of notification_types
and the bound transports from the app's state (`addchat.context`), never from a name it knows.
"""

from addchat.transports.internal import InternalTransport
from addchat.transports.pusher.adapter import PusherTransport
from addchat.transports.socketio.adapter import SocketIOTransport

# The order admins see them in; the first is the zero-configuration default.
ADAPTERS = (InternalTransport, SocketIOTransport, PusherTransport)
NOTIFICATION_TYPES = tuple(adapter.name for adapter in ADAPTERS)


def init_app(app):
    """Create and bind one instance of every transport for this app (each mounts its own parts)."""
    bound = app.extensions["addchat"].transports
    for adapter in ADAPTERS:
        transport = adapter()
        transport.init_app(app)
        bound[adapter.name] = transport
