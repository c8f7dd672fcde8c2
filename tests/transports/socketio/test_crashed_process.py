"""A crashed process's users go offline for their watchers once its connections lapse."""

import pytest

from tests.transports.socketio.conftest import MODES

TTL = "3"  # seconds; the heartbeat and sweep run every second


def presence_of(sock, user_id):
    """Return the online/offline pushes a tab got for one user, in order."""
    return [d["online"] for n, d in sock.events if n == "presence" and d["user_id"] == user_id]


@pytest.mark.parametrize("mode", MODES)
def test_survivors_push_offline_once_for_a_killed_process_users(mode, processes, redis_url, tab, chat_db):
    ids = chat_db.ids
    a, doomed, c = processes(mode, 3, queue=redis_url, ADDCHAT_PRESENCE_TTL=TTL)
    carol = tab("carol", a)
    watchers = [tab("alice", a), tab("dave", c)]
    for watcher in watchers:
        ack = watcher.call("presence:watch", {"ids": [ids["bob"], ids["carol"]]})
        assert ack == {"ok": True, "online": [ids["carol"]]}
    for _ in "12":  # two tabs: both must lapse before Bob is offline
        tab("bob", doomed, reconnect=False)
    for watcher in watchers:
        watcher.wait_event("presence", user_id=ids["bob"], online=True)

    doomed.stop(kill=True)  # SIGKILL: no disconnect handler runs, nothing is cleaned up
    for watcher in watchers:
        watcher.wait_event("presence", user_id=ids["bob"], online=False)
        # Carol's process lives: her heartbeat keeps her online through the sweeps.
        assert watcher.call("presence:watch", {"ids": [ids["bob"], ids["carol"]]})["online"] == [ids["carol"]]

    # Bob comes back on a live process; each watcher heard exactly one "offline" in between,
    # though two processes sweep (one atomic sweep wins each lapse).
    tab("bob", c)
    for watcher in watchers:
        watcher.wait(lambda w=watcher: presence_of(w, ids["bob"])[-1:] == [True], "bob online again")
        assert presence_of(watcher, ids["bob"]) == [True, False, True]
        assert presence_of(watcher, ids["carol"]) == []
    assert carol.sio.connected
