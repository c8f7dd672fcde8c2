# ruff: noqa: F811  (the realtime fixtures are imported, then named as test arguments)
"""Sockets on real servers: reserved event names are refused; a revoked remember-me cookie opens none.

Real servers (`python serve.py`, eventlet and gevent) and python-socketio clients, as in
tests/transports/socketio; only the fixtures are borrowed from there.
"""

import requests
import socketio
from socketio import packet

from tests.transports.socketio.conftest import chat_db, server, tab  # noqa: F401  (fixtures)
from tests.transports.socketio.servers import ChatSocket, wait_until
from tests.transports.socketio.test_signout import Browser


def forge(sock, event, *args):
    """Send an EVENT packet named `event` with an ack id, bypassing the client's own checks."""
    client = sock.sio
    ack = {}
    ack_id = client._generate_ack_id("/", lambda *data: ack.setdefault("data", data))
    client._send_packet(client.packet_class(packet.EVENT, namespace="/", data=[event, *args], id=ack_id))
    wait_until(lambda: "data" in ack, message=f"the ack of a forged {event!r}")
    return ack["data"][0] if ack["data"] else None


def test_forged_disconnect_changes_nothing_and_sign_out_still_closes(server, tab, chat_db):
    ids = chat_db.ids
    carol = tab("carol", server)
    browser = Browser(server.url).sign_in("bob@example.com")
    bob = browser.socket(server)
    try:
        assert carol.call("presence:watch", {"ids": [ids["bob"]]})["online"] == [ids["bob"]]
        answer = forge(bob, "disconnect")
        assert answer["error"]["code"] == "reserved_event"
        assert forge(bob, "disconnect", "client namespace disconnect")["error"]["code"] == "reserved_event"
        # Bob is still online for watchers and still receives his messages.
        assert bob.call("presence:watch", {"ids": []})["ok"] is True
        carol.http.send(ids["bob"], "still listening?")
        bob.wait_bodies("still listening?")
        assert ("presence", {"user_id": ids["bob"], "online": False}) not in carol.events
        assert carol.call("presence:watch", {"ids": [ids["bob"]]})["online"] == [ids["bob"]]
        # Sign-out finds the socket (the forged event did not drop it from the store) and closes it.
        browser.sign_out()
        wait_until(lambda: not bob.sio.connected, message="the signed-out socket to close")
        carol.wait_event("presence", user_id=ids["bob"], online=False)
    finally:
        bob.close()


def test_forged_disconnect_does_not_reset_the_event_budget(server, tab, chat_db):
    dave = tab("dave", server)
    answers = []
    for n in range(45):
        if n == 20:
            forge(dave, "disconnect")
        answers.append(dave.call("presence:watch", {"ids": []}))
    limited = [a for a in answers if a.get("error", {}).get("code") == "rate_limited"]
    assert len(limited) >= 4, answers[-6:]


def test_forged_connect_is_refused_and_counts_no_second_connection(server, tab, chat_db):
    ids = chat_db.ids
    alice, dave = tab("alice", server), tab("dave", server)
    assert alice.call("presence:watch", {"ids": [ids["dave"]]})["online"] == [ids["dave"]]
    assert forge(dave, "connect", {"x": 1}, None)["error"]["code"] == "reserved_event"
    assert forge(dave, "connect")["error"]["code"] == "reserved_event"
    dave.close()  # one real connection: closing it takes Dave offline
    alice.wait_event("presence", user_id=ids["dave"], online=False)


def _socket_refused(url, cookie_header):
    """Return True when the real server refuses a socket with these cookies."""
    client = socketio.Client(reconnection=False)
    try:
        client.connect(url, headers={"Cookie": cookie_header}, transports=["websocket"])
    except socketio.exceptions.ConnectionError:
        return True
    client.disconnect()
    return False


def test_remember_cookie_opens_no_socket_after_sign_out_on_a_real_server(server, chat_db):
    browser = Browser(server.url).sign_in("carol@example.com")
    remembered = browser.http.cookies.get("remember_token")
    assert remembered
    assert not _socket_refused(server.url, f"remember_token={remembered}")
    sock = ChatSocket(server.url, browser.cookie(), browser.token, reconnect=False).connect()
    browser.sign_out()
    assert _socket_refused(server.url, f"remember_token={remembered}")
    stolen = requests.get(
        f"{server.url}/addchat/api/config", cookies={"remember_token": remembered}, timeout=10
    )
    assert stolen.status_code == 401
    sock.close()
