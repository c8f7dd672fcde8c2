"""Push delivery, seen receipts, typing and presence between real clients on a real server."""


def test_message_reaches_recipient_and_senders_other_tabs(server, tab, chat_db):
    alice_1, alice_2, bob = tab("alice", server), tab("alice", server), tab("bob", server)
    sent = alice_1.http.send(chat_db.ids["bob"], "hello over websockets")
    for sock in (bob, alice_1, alice_2):
        sock.wait_bodies("hello over websockets")
    change = next(c for c in bob.changes if c["type"] == "message" and c["data"]["id"] == sent["id"])
    assert change["seq"] == sent["seq"]  # every push carries its cursor


def test_seen_receipt_pushes_to_the_sender(server, tab, chat_db):
    alice, bob = tab("alice", server), tab("bob", server)
    sent = alice.http.send(chat_db.ids["bob"], "please read")
    bob.wait_bodies("please read")
    bob.http.seen(chat_db.ids["alice"], sent["id"])
    alice.wait(
        lambda: any(c["type"] == "seen" and c["data"]["up_to_id"] == sent["id"] for c in alice.changes),
        "seen receipt",
    )


def test_typing_is_relayed_to_the_peer_only_and_throttled(server, tab, chat_db):
    alice, bob, carol = tab("alice", server), tab("bob", server), tab("carol", server)
    ids = chat_db.ids
    for _ in range(5):
        assert alice.call("typing", {"to": ids["carol"], "typing": True}) == {"ok": True}
    carol.wait_event("typing", user_id=ids["alice"], typing=True)
    assert alice.call("typing", {"to": ids["carol"], "typing": False}) == {"ok": True}
    carol.wait_event("typing", user_id=ids["alice"], typing=False)
    # Five starts inside the throttle window reach Carol as one.
    assert [d["typing"] for n, d in carol.events if n == "typing"] == [True, False]
    assert [e for e in bob.events if e[0] == "typing"] == []
    assert [e for e in alice.events if e[0] == "typing"] == []


def test_presence_follows_the_last_open_connection(server, tab, chat_db):
    ids = chat_db.ids
    carol = tab("carol", server)
    assert carol.call("presence:watch", {"ids": [ids["dave"]]}) == {"ok": True, "online": []}
    dave_1 = tab("dave", server)
    carol.wait_event("presence", user_id=ids["dave"], online=True)
    dave_2 = tab("dave", server)
    assert carol.call("presence:watch", {"ids": [ids["dave"]]})["online"] == [ids["dave"]]
    dave_1.close()
    # Still online through the second tab: a later typing signal arrives with no offline before it.
    dave_2.call("typing", {"to": ids["carol"], "typing": True})
    carol.wait_event("typing", user_id=ids["dave"], typing=True)
    assert [d["online"] for n, d in carol.events if n == "presence"] == [True]
    dave_2.close()
    carol.wait_event("presence", user_id=ids["dave"], online=False)
    assert carol.call("presence:watch", {"ids": [ids["dave"]]})["online"] == []


def test_switching_away_from_socketio_is_pushed_to_every_socket(server, tab, chat_db):
    alice, bob = tab("alice", server), tab("bob", server)
    settings = server.url + "/addchat/api/settings"
    try:
        response = alice.http.session.post(settings, json={"notification_type": "internal"}, timeout=10)
        assert response.status_code == 200, response.text
        for sock in (alice, bob):
            sock.wait(
                lambda s=sock: any(
                    c["type"] == "config" and c["data"]["notification_type"] == "internal" for c in s.changes
                ),
                "config change",
            )
    finally:
        alice.http.session.post(settings, json={"notification_type": "socketio"}, timeout=10)
