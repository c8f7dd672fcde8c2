"""A new block separates two users' sockets: each leaves the other's presence room, in every process.

Typing is refused at the event (users.get_peer); presence was joined earlier, so the rooms are
left here, through the message queue when there is one, for every connection of both users.
"""

from addchat.extensions import socketio
from addchat.transports.socketio.push import presence_room


def connection_ids(store, user_id):
    """Return every known connection id of a user (this process's, or all of Redis's)."""
    redis = getattr(store, "redis", None)
    if redis is not None:
        return [
            sid.decode() if isinstance(sid, bytes) else sid
            for sid in redis.zrange(store._key(user_id), 0, -1)
        ]
    return list(store._sids.get(user_id, ()))


def separate(store, user_id, peer_id):
    """Make each user's connections leave the other's presence room."""
    for member, watched in ((user_id, peer_id), (peer_id, user_id)):
        for sid in connection_ids(store, member):
            socketio.server.leave_room(sid, presence_room(watched), namespace="/")


def apply_blocks(store, changes):
    """Separate the pair of every new block among these changes (once per pair)."""
    pairs = {
        (c.data["blocker_id"], c.data["blocked_id"])
        for c in changes
        if c.type == "block" and c.data.get("blocked")
    }
    for blocker_id, blocked_id in pairs:
        separate(store, blocker_id, blocked_id)
