"""The internal mode's poll: one SELECT on one table, only this user's changes."""

from addchat.extensions import db
from testkit import record_statements


def _count_statements(app, action):
    """Run an action and return every SQL statement it sent to the database."""
    with app.app_context():
        engine = db.engine
    return record_statements(engine, action)


def test_poll_runs_exactly_one_select(app, api, users):
    alice, bob = api("alice"), api("bob")
    alice.send(users["bob"], "hi")
    bob.poll()  # warm up: first connection and dialect set-up are not the poll's doing

    statements, response = _count_statements(app, lambda: bob.get("/addchat/api/poll?cursor=0"))
    assert response.status_code == 200
    assert len(response.get_json()["changes"]) == 1
    assert len(statements) == 1, statements
    only = statements[0].strip().upper()
    assert only.startswith("SELECT")
    assert "FROM ADDCHAT_CHANGES" in only
    assert "JOIN" not in only


def test_empty_poll_is_one_select_and_tiny(app, api, users):
    bob = api("bob")
    cursor = bob.poll()["cursor"]
    statements, response = _count_statements(app, lambda: bob.get(f"/addchat/api/poll?cursor={cursor}"))
    assert len(statements) == 1
    assert response.get_json() == {"cursor": cursor, "changes": [], "more": False}
    assert len(response.data) < 64


def test_poll_returns_only_own_changes(api, users):
    api("alice").send(users["bob"], "to bob")
    api("bob").send(users["carol"], "to carol")
    carol = api("carol").poll()
    assert [c["data"]["body"] for c in carol["changes"]] == ["to carol"]
    alice = api("alice").poll()
    # The sender's own feed carries her message too (her other tabs).
    assert [c["data"]["body"] for c in alice["changes"]] == ["to bob"]


def test_poll_cursor_advances_and_pages(app, api, users):
    app.config["ADDCHAT_POLL_BATCH"] = 3
    alice, bob = api("alice"), api("bob")
    for n in range(5):
        alice.send(users["bob"], f"m{n}")
    first = bob.poll(0)
    assert first["more"] is True
    assert [c["data"]["body"] for c in first["changes"]] == ["m0", "m1", "m2"]
    second = bob.poll(first["cursor"])
    assert second["more"] is False
    assert [c["data"]["body"] for c in second["changes"]] == ["m3", "m4"]
    assert bob.poll(second["cursor"])["changes"] == []


def test_poll_without_session_is_401_json(api):
    response = api().get("/addchat/api/poll?cursor=0")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_config_cursor_starts_after_existing_changes(api, users):
    api("alice").send(users["bob"], "old")
    bob = api("bob")
    config = bob.get("/addchat/api/config").get_json()
    assert config["notification_type"] == "internal"
    assert config["user"]["id"] == users["bob"]
    assert bob.poll(config["cursor"])["changes"] == []


def test_switch_reaches_every_widget_through_the_feed(api, users):
    bob = api("bob")
    cursor = bob.poll()["cursor"]
    response = api("alice").post("/addchat/api/settings", json={"notification_type": "socketio"})
    assert response.status_code == 200
    changes = bob.poll(cursor)["changes"]
    assert changes == [
        {"seq": changes[0]["seq"], "type": "config", "data": {"notification_type": "socketio"}}
    ]
    assert bob.get("/addchat/api/config").get_json()["notification_type"] == "socketio"
