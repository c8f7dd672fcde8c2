"""Connection and authorisation against a real server: signed-in users only, own room only."""

import pytest
import socketio


def test_anonymous_connect_is_refused(server):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, transports=["websocket"], wait_timeout=10)
    assert not client.connected


def test_forged_cookie_is_refused(server, chat_db):
    cookie, token = chat_db.credentials("alice")
    forged = cookie[:-4] + ("AAAA" if not cookie.endswith("AAAA") else "BBBB")
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, headers={"Cookie": f"session={forged}"}, transports=["websocket"])


def test_signed_in_user_connects_and_is_caught_up(server, tab):
    alice = tab("alice", server)
    assert alice.sio.connected


@pytest.mark.parametrize(
    "event, args, code",
    [
        ("typing", (), "invalid_payload"),
        ("typing", ("hello",), "invalid_payload"),
        ("typing", ([1, 2],), "invalid_payload"),
        ("typing", ({"to": "2", "typing": True},), "invalid_to"),
        ("typing", ({"to": True, "typing": True},), "invalid_to"),
        ("typing", ({"to": 2**70, "typing": True},), "invalid_to"),
        ("typing", ({"to": 99999, "typing": True},), "unknown_user"),
        ("typing", ({"to": "SELF", "typing": True},), "self_chat"),
        ("typing", ({"to": "BOB", "typing": "yes"},), "invalid_typing"),
        ("typing", ({"to": "BOB", "typing": True, "room": "user:2"},), "invalid_payload"),
        ("presence:watch", ({"ids": "1,2"},), "invalid_ids"),
        ("presence:watch", ({"ids": list(range(1, 500))},), "invalid_ids"),
        ("presence:watch", ({"ids": [99999]},), "unknown_user"),
        ("presence:watch", ({"ids": [1.5]},), "invalid_ids"),
        ("join", ({"room": "user:2"},), "unknown_event"),
        ("join_room", ("user:2",), "unknown_event"),
        ("change", ({"seq": 1},), "unknown_event"),
        pytest.param("x" * 5000, ({},), "unknown_event", id="long-name"),
    ],
)
def test_bad_events_get_an_error_ack_and_the_connection_lives(server, tab, chat_db, event, args, code):
    alice = tab("alice", server)
    names = {"SELF": chat_db.ids["alice"], "BOB": chat_db.ids["bob"]}
    args = tuple(
        {k: names.get(v, v) if isinstance(v, str) else v for k, v in a.items()} if isinstance(a, dict) else a
        for a in args
    )
    ack = alice.call(event, *args)
    assert ack["error"]["code"] == code, ack
    # Still connected and still served.
    assert alice.call("presence:watch", {"ids": []}) == {"ok": True, "online": []}


def test_oversized_packet_closes_only_that_connection(server, tab, chat_db):
    alice, bob = tab("alice", server), tab("bob", server)
    with pytest.raises(socketio.exceptions.TimeoutError):
        alice.sio.call("typing", {"to": chat_db.ids["bob"], "typing": True, "pad": "x" * 100_000}, timeout=3)
    # The server is fine: Bob is still served.
    assert bob.call("presence:watch", {"ids": []})["ok"] is True


def test_nobody_hears_another_users_room(server, tab, chat_db):
    alice, bob, carol = tab("alice", server), tab("bob", server), tab("carol", server)
    alice.http.send(chat_db.ids["bob"], "for bob only")
    assert alice.call("typing", {"to": chat_db.ids["bob"], "typing": True}) == {"ok": True}
    bob.wait_bodies("for bob only")
    bob.wait_event("typing", user_id=chat_db.ids["alice"], typing=True)
    # A later message to Carol herself proves her pushes flow; nothing of Bob's came before it.
    bob.http.send(chat_db.ids["carol"], "for carol")
    carol.wait_bodies("for carol")
    assert carol.bodies() == ["for carol"]
    assert carol.events == []


def test_cross_origin_connect_is_refused(server, chat_db):
    cookie, _ = chat_db.credentials("alice")
    client = socketio.Client(reconnection=False)
    # Refused with HTTP 400; python-socketio reports that as ConnectionError (or, under gevent-websocket's
    # reply, a ValueError about the empty answer). Either way no connection exists.
    with pytest.raises((socketio.exceptions.ConnectionError, ValueError)):
        client.connect(
            server.url,
            headers={"Cookie": f"session={cookie}", "Origin": "http://evil.example"},
            transports=["websocket"],
        )
    assert not client.connected
