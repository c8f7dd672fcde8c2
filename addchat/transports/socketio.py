"""The socketio transport: each change goes to its user's room through realtime.push."""

from addchat.realtime.push import push_change, user_room
from addchat.transports.base import Transport

__all__ = ["SocketIOTransport", "user_room"]


class SocketIOTransport(Transport):
    """Push over WebSockets; rooms span processes through SOCKETIO_MESSAGE_QUEUE."""

    name = "socketio"

    def publish(self, changes, origin=None):
        """Emit every change to its user's room (user 0: every connection)."""
        for change in changes:
            push_change(change)

    def client_config(self, user):
        """Tell the widget where the Socket.IO endpoint is."""
        return {"path": "/socket.io"}
