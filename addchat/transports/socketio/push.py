"""The one place AddChat emits to (or closes) sockets, like flack's push_model: rooms and their names."""

from addchat.extensions import socketio


def user_room(user_id):
    """Name the room only this user's connections join (their messages, receipts, typing)."""
    return f"user:{user_id}"


def presence_room(user_id):
    """Name the room of connections allowed to see this user's online/offline changes."""
    return f"presence:{user_id}"


def push(event, data, to=None):
    """Emit one server event to a room (every client when `to` is None), across processes."""
    socketio.emit(event, data, to=to, namespace="/")


def push_change(change):
    """Push one committed feed change to its user (user 0: everyone)."""
    push("change", change.to_json(), to=user_room(change.user_id) if change.user_id else None)


def push_typing(typist_id, peer_id, is_typing):
    """Tell the peer, and only the peer, that the typist started or stopped typing."""
    push("typing", {"user_id": typist_id, "typing": is_typing}, to=user_room(peer_id))


def push_presence(user_id, online):
    """Tell everyone watching this user that they came online or went offline."""
    push("presence", {"user_id": user_id, "online": online}, to=presence_room(user_id))


def disconnect_connections(sids):
    """Close these connections, wherever they are (the message queue reaches other processes)."""
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")
