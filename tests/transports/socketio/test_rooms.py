"""The client manager's room index (rooms.py): python-socketio's behaviour, without its scan."""

import socketio
from hypothesis import given, settings
from hypothesis import strategies as st

from addchat.transports.socketio.queue import PromptRedisManager, client_manager
from addchat.transports.socketio.rooms import IndexedManager

NS = "/"


class NoScan(dict):
    """A namespace's rooms that fail the test if anything walks or copies all of them."""

    def copy(self):
        raise AssertionError("the namespace's rooms were copied (a scan of every room)")

    def items(self):
        raise AssertionError("the namespace's rooms were walked (a scan of every room)")


def server_with(manager):
    """A real python-socketio server around the manager (it generates the sids)."""
    return socketio.Server(client_manager=manager, async_mode="threading").manager


def test_every_manager_addchat_builds_keeps_the_index():
    assert isinstance(client_manager(None, "addchat"), IndexedManager)
    assert isinstance(client_manager("redis://127.0.0.1:6379/15", "addchat"), PromptRedisManager)
    assert client_manager("amqp://elsewhere", "addchat") is None  # Flask-SocketIO's own choice


def test_a_disconnect_touches_only_the_clients_own_rooms():
    manager = server_with(IndexedManager())
    sids = [manager.connect(f"eio{i}", NS) for i in range(1000)]
    for i, sid in enumerate(sids):
        manager.enter_room(sid, NS, f"user:{i % 500}")
    manager.rooms[NS] = NoScan(manager.rooms[NS])
    manager.disconnect(sids[7], NS)
    assert not manager.is_connected(sids[7], NS)
    assert sids[7] not in manager.rooms[NS]["user:7"] and sids[507] in manager.rooms[NS]["user:7"]
    assert sids[7] not in manager.rooms[NS] and sids[8] in manager.rooms[NS]


def test_python_socketios_own_manager_scans_every_room():
    """The reason for the index: if python-socketio stops scanning, rooms.py can go."""
    manager = server_with(socketio.Manager())
    sid = manager.connect("eio0", NS)
    manager.rooms[NS] = NoScan(manager.rooms[NS])
    try:
        manager.disconnect(sid, NS)
    except AssertionError:
        return
    raise AssertionError("python-socketio no longer scans: remove rooms.py")


def outcome(method, *args):
    """Call a manager method; return the exception class it raised, or None."""
    try:
        method(*args)
    except Exception as error:  # noqa: BLE001  (compared between the two managers)
        return type(error)
    return None


def named_rooms(manager):
    """The named rooms of the namespace and how many clients each holds."""
    return {
        room: len(members) for room, members in manager.rooms.get(NS, {}).items() if room in ("a", "b", "c")
    }


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["connect", "enter", "leave", "disconnect", "close"]),
        st.integers(0, 5),
        st.sampled_from(["a", "b", "c"]),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(OPERATIONS)
def test_the_index_agrees_with_python_socketio_after_any_sequence(operations):
    ours, theirs = server_with(IndexedManager()), server_with(socketio.Manager())
    sids = {}  # client number -> (our sid, their sid)
    for op, client, room in operations:
        if op == "connect" and client not in sids:
            sids[client] = (ours.connect(f"eio{client}", NS), theirs.connect(f"eio{client}", NS))
        elif op == "close":
            assert outcome(ours.close_room, room, NS) == outcome(theirs.close_room, room, NS)
        elif client in sids and op != "connect":
            call = {"enter": "enter_room", "leave": "leave_room", "disconnect": "disconnect"}[op]
            extra = () if op == "disconnect" else (room,)
            ours_sid, theirs_sid = sids[client]
            assert outcome(getattr(ours, call), ours_sid, NS, *extra) == outcome(
                getattr(theirs, call), theirs_sid, NS, *extra
            )
            if op == "disconnect":
                del sids[client]
    for ours_sid, theirs_sid in sids.values():
        ours_rooms = {r for r in ours.get_rooms(ours_sid, NS) if r != ours_sid}
        theirs_rooms = {r for r in theirs.get_rooms(theirs_sid, NS) if r != theirs_sid}
        assert ours_rooms == theirs_rooms
    assert named_rooms(ours) == named_rooms(theirs)
    leftover = {sid for (_, sid) in ours.rooms_of} - {ours_sid for ours_sid, _ in sids.values()}
    assert not leftover  # nothing kept for clients that left
