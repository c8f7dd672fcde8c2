"""Each client's rooms kept beside python-socketio's rooms, so a disconnect costs what the client is in.

python-socketio 5.18 finds a leaving client's rooms by copying and testing every room of the
namespace (`BaseManager.basic_disconnect`), and every client has a room of its own. So one
disconnect costs O(connections) and a burst of N disconnects O(N^2): measured (issue 15), 10,000
idle WebSockets closing at once took over a minute of one process's CPU (56% of it in that scan),
with everything else on that process waiting, and connections reopening meanwhile timed out.
"""

import socketio


class RoomIndex:
    """A client manager mixin: a per-client set of rooms, updated wherever python-socketio's change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rooms_of = {}  # (namespace, sid) -> room names, None (the namespace's room) included

    def basic_enter_room(self, sid, namespace, room, eio_sid=None):
        """Enter as python-socketio does (it may refuse), then remember the room."""
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self.rooms_of.setdefault((namespace, sid), set()).add(room)

    def basic_leave_room(self, sid, namespace, room):
        """Leave as python-socketio does, then forget the room."""
        super().basic_leave_room(sid, namespace, room)
        rooms = self.rooms_of.get((namespace, sid))
        if rooms is not None:
            rooms.discard(room)
            if not rooms:
                del self.rooms_of[(namespace, sid)]

    def get_rooms(self, sid, namespace):
        """Return the rooms a client is in (its own room included, as python-socketio does)."""
        return [room for room in self.rooms_of.get((namespace, sid), ()) if room is not None]

    def basic_disconnect(self, sid, namespace, **kwargs):
        """python-socketio's basic_disconnect, with the client's rooms from the index, not a scan."""
        if namespace not in self.rooms:
            return
        for room in list(self.rooms_of.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            if sid in pending.get(namespace, ()):
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]


class IndexedManager(RoomIndex, socketio.Manager):
    """The in-process client manager (no message queue), with the room index."""
