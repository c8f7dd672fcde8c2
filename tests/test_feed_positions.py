"""Per-user feed positions: each user's own counter, changes for everyone fanned out, few round trips."""

from sqlalchemy import select, update

from addchat.extensions import db
from addchat.models import FeedPosition, User
from testkit import record_statements


def _statements(app, action):
    """Run an action and return every SQL statement it sent."""
    with app.app_context():
        engine = db.engine
    return record_statements(engine, action)


def _positions(app):
    """Return {user_id: last_seq}."""
    with app.app_context():
        return dict(db.session.execute(select(FeedPosition.user_id, FeedPosition.last_seq)).all())


def test_each_user_counts_their_own_positions(api, users):
    alice, bob, carol = api("alice"), api("bob"), api("carol")
    alice.send(users["bob"], "one")
    alice.send(users["carol"], "two")
    bob.send(users["carol"], "three")
    # Alice's feed has her two sends, Bob's one received and one sent, Carol's two received.
    assert [c["seq"] for c in alice.poll()["changes"]] == [1, 2]
    assert [c["seq"] for c in bob.poll()["changes"]] == [1, 2]
    assert [(c["seq"], c["data"]["body"]) for c in carol.poll()["changes"]] == [(1, "two"), (2, "three")]


def test_a_message_carries_the_recipients_position(api, users):
    alice, bob = api("alice"), api("bob")
    bob.send(users["alice"], "warm up Bob's feed")
    sent = alice.send(users["bob"], "hi").get_json()
    change = bob.poll(1)["changes"][0]
    assert sent["seq"] == change["seq"] == 2
    assert alice.poll(1)["changes"][0]["seq"] == 2  # Alice's own copy sits at her own next position


def test_a_switch_reaches_every_open_widget_at_its_own_next_position(app, api, users):
    alice, bob = api("alice"), api("bob")  # both opened the widget: both have a feed row
    alice.send(users["bob"], "hi")
    before = {"alice": alice.poll()["cursor"], "bob": bob.poll()["cursor"]}
    assert alice.post("/addchat/api/settings", json={"notification_type": "socketio"}).status_code == 200
    for name, client in (("alice", alice), ("bob", bob)):
        (change,) = client.poll(before[name])["changes"]
        assert change == {
            "seq": before[name] + 1,
            "type": "config",
            "data": {"notification_type": "socketio"},
        }
    # Carol never opened the widget: no copy, and her first config already says socketio.
    carol = api("carol")
    config = carol.get("/addchat/api/config").get_json()
    assert config["notification_type"] == "socketio"
    assert carol.poll(config["cursor"])["changes"] == []


def test_a_switch_costs_the_same_statements_for_three_users_or_thirty(app, api, users):
    alice = api("alice")

    def switch(kind):
        return lambda: alice.post("/addchat/api/settings", json={"notification_type": kind})

    few, _ = _statements(app, switch("socketio"))
    with app.app_context():
        extra = [User(name=f"Extra {n}", email=f"extra{n}@example.com", password_hash="x") for n in range(27)]
        db.session.add_all(extra)
        db.session.commit()
        db.session.add_all(FeedPosition(user_id=user.id, last_seq=0) for user in extra)
        db.session.commit()
    many, _ = _statements(app, switch("internal"))
    assert len(few) == len(many)
    assert len(_positions(app)) == 1 + 1 + 27  # the guard, Alice, the extras: 28 copies written


def test_a_users_first_change_creates_their_row_from_the_guard(app, api, users):
    with app.app_context():
        db.session.execute(update(FeedPosition).where(FeedPosition.user_id == 0).values(last_seq=40))
        db.session.execute(FeedPosition.__table__.delete().where(FeedPosition.user_id != 0))
        db.session.commit()
    sent = api("alice").send(users["carol"], "first").get_json()
    assert sent["seq"] == 41
    assert _positions(app) == {0: 40, users["alice"]: 41, users["carol"]: 41}


def test_a_send_takes_positions_without_reading_them_back(app, api, users, backend):
    alice = api("alice")
    alice.send(users["bob"], "warm up")
    statements, response = _statements(app, lambda: alice.send(users["bob"], "hi", client_id="c-1"))
    assert response.status_code == 201
    positions = [s.lstrip().upper() for s in statements if "addchat_feed_positions" in s]
    if backend == "mysql":  # no UPDATE ... RETURNING: a locking read of both rows, one UPDATE of both
        assert len(positions) == 2
        assert positions[0].startswith("SELECT") and positions[0].rstrip().endswith("FOR UPDATE")
        assert positions[1].startswith("UPDATE")
    else:
        assert len(positions) == 1 and positions[0].startswith(("UPDATE", "WITH"))
    # The user is loaded once (Flask-Login), the peer once; no look-up of client_id before the insert.
    assert sum("FROM users" in s for s in statements) == 2
    assert not any("client_id =" in s for s in statements)


def test_a_retried_send_answers_with_the_stored_message(api, users):
    alice = api("alice")
    first = alice.send(users["bob"], "once", client_id="retry-1")
    again = alice.send(users["bob"], "once", client_id="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    # (created_at may differ in its milliseconds: MariaDB's DATETIME keeps whole seconds.)
    assert {k: v for k, v in again.get_json().items() if k != "created_at"} == {
        k: v for k, v in first.get_json().items() if k != "created_at"
    }
    assert len(api("bob").poll()["changes"]) == 1
