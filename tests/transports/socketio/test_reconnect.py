"""Nothing lost: a client whose connection is cut catches up exactly once, in order."""

import pytest

from tests.transports.socketio.conftest import MODES
from tests.transports.socketio.servers import Http, ServerProcess


@pytest.mark.parametrize("mode", MODES)
def test_connection_cut_loses_nothing(mode, chat_db, tab, tmp_path):
    server = ServerProcess(chat_db.url, mode, tmp_path).start()
    try:
        bob_id = chat_db.ids["bob"]
        bob = tab("bob", server)
        alice = Http(server.url, *chat_db.credentials("alice"))
        bodies = [f"{mode}-{i}" for i in range(12)]
        for body in bodies[:3]:
            alice.send(bob_id, body)
        bob.wait_bodies(*bodies[:3])

        # The cut: the server process dies; Bob's client keeps trying to reconnect.
        server.stop(kill=True)
        bob.wait(lambda: not bob.sio.connected, "the cut")
        # Sent while Bob is away, through the same API in another process on the same database.
        away = chat_db.app.test_client()
        cookie, token = chat_db.credentials("alice")
        away.set_cookie("session", cookie)
        for body in bodies[3:8]:
            response = away.post(
                f"/addchat/api/conversations/{bob_id}/messages",
                json={"body": body},
                headers={"X-CSRFToken": token},
            )
            assert response.status_code == 201

        server.start()  # same port: Bob's client reconnects by itself, then catches up
        bob.wait(lambda: bob.connects >= 2, "reconnect and catch-up")
        for body in bodies[8:]:
            alice.send(bob_id, body)
        bob.wait_bodies(*bodies)
        assert bob.bodies() == bodies  # every message exactly once, in order
        seqs = [c["seq"] for c in bob.changes]
        assert seqs == sorted(set(seqs))
    finally:
        server.stop()
