"""The socketio transport: Flask-SocketIO emits each change into the user's room."""

from addchat.extensions import socketio
from addchat.transports.base import Transport


def user_room(user_id):
    """Name the room only this user's connections join."""
    return f"user:{user_id}"


class SocketIOTransport(Transport):
    """Push over WebSockets; rooms span processes through SOCKETIO_MESSAGE_QUEUE."""

    name = "socketio"

    def publish(self, changes, origin=None):
        """Emit every change to its user's room."""
        for change in changes:
            if change.user_id == 0:
                socketio.emit("change", change.to_json())
            else:
                socketio.emit("change", change.to_json(), to=user_room(change.user_id))

    def client_config(self, user):
        """Tell the widget where the Socket.IO endpoint is."""
        return {"path": "/socket.io"}
