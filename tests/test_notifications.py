"""Notifications: addchat.notify in bulk, the REST endpoints, the feed changes, the CLI."""

import json

import pytest
from sqlalchemy import select

import addchat
from addchat.extensions import db
from addchat.models import Change, User
from addchat.notification_models import Notification, NotificationSend
from addchat.services.errors import ChatError
from testkit import record_statements
from tests.conftest import count_rows

API = "/addchat/api/notifications"


def notify(app, users, kind="welcome", data=None, url=None):
    """Call the host's API in an app context."""
    with app.app_context():
        return addchat.notify(users, kind, data, url)


def changes_of(client, kind_prefix="notification"):
    """Return the client's feed changes of the notification kinds."""
    return [c for c in client.poll()["changes"] if c["type"].startswith(kind_prefix)]


def test_notify_one_user_stores_and_delivers_through_the_feed(app, api, users):
    bob = api("bob")
    nid = notify(app, users["bob"], "order.shipped", {"title": "Shipped", "order": 7}, "/orders/7")
    page = bob.get(API).get_json()
    assert page["has_more"] is False
    [row] = page["notifications"]
    assert row["id"] == nid
    assert row["type"] == "order.shipped"
    assert row["data"] == {"title": "Shipped", "order": 7}
    assert row["url"] == "/orders/7"
    assert row["read_at"] is None and row["created_at"].endswith("Z")
    [change] = changes_of(bob)
    assert change["type"] == "notification" and change["data"] == row
    assert changes_of(api("alice")) == []
    assert bob.get(f"{API}/unread-count").get_json() == {"unread": 1}


def test_notify_takes_a_user_ids_or_a_select(app, api, users):
    with app.app_context():
        carol = db.session.get(User, users["carol"])
        addchat.notify(carol, "a")
        addchat.notify([users["alice"], users["bob"], users["bob"], 999999], "b")
        addchat.notify(select(User.id).where(User.name != "Alice"), "c")
        addchat.notify(select(User).where(User.name == "Alice"), "d")
    kinds = {name: [n["type"] for n in api(name).get(API).get_json()["notifications"]] for name in users}
    assert kinds == {"alice": ["d", "b"], "bob": ["c", "b"], "carol": ["c", "a"]}


def test_notify_nobody_writes_nothing(app, users):
    assert notify(app, [424242]) is None
    assert count_rows(app, NotificationSend) == 0 and count_rows(app, Change) == 0


@pytest.mark.parametrize(
    ("kind", "data", "url", "code"),
    [
        ("", None, None, "invalid_type"),
        ("has space", None, None, "invalid_type"),
        ("x" * 65, None, None, "invalid_type"),
        ("ok", [1, 2], None, "invalid_data"),
        ("ok", {"n": float("nan")}, None, "invalid_data"),
        ("ok", {"x": object()}, None, "invalid_data"),
        ("ok", {"big": "x" * 9000}, None, "data_too_large"),
        ("ok", None, "javascript:alert(1)", "invalid_url"),
        ("ok", None, "//evil.example/x", "invalid_url"),
        ("ok", None, "/a b", "invalid_url"),
        ("ok", None, "data:text/html,hi", "invalid_url"),
        ("ok", None, "https://", "invalid_url"),
    ],
)
def test_notify_refuses_bad_input_and_writes_nothing(app, users, kind, data, url, code):
    with pytest.raises(ChatError) as refused:
        notify(app, users["bob"], kind, data, url)
    assert refused.value.code == code
    assert count_rows(app, Notification) == 0 and count_rows(app, Change) == 0


def test_bulk_notify_runs_a_constant_number_of_own_statements(app, users):
    """No statement count grows with the audience: ours, and feed.record's."""
    with app.app_context():
        db.session.add_all(User(name=f"U{i}", email=f"u{i}@x", password_hash="-") for i in range(300))
        db.session.commit()
        counts, totals = [], []
        for audience in (select(User.id).limit(3), select(User.id)):
            statements, _ = record_statements(db.engine, lambda a=audience: addchat.notify(a, "bulk"))
            ours = [s for s in statements if "addchat_notification" in s or "FROM users" in s]
            counts.append(len(ours))
            totals.append(len(statements))
        assert counts[0] == counts[1] == 3  # SELECT recipients, INSERT send, INSERT ... SELECT rows
        assert totals[0] == totals[1]  # the feed's too, on every database (MariaDB included)
        assert db.session.query(Notification).count() == 3 + 303


def test_list_pages_newest_first(app, api, users):
    ids = [notify(app, users["bob"], f"n{i}") for i in range(5)]
    bob = api("bob")
    first = bob.get(f"{API}?limit=2").get_json()
    assert [n["id"] for n in first["notifications"]] == ids[:2:-1][:2] == [ids[4], ids[3]]
    assert first["has_more"] is True
    rest = bob.get(f"{API}?limit=3&before={ids[3]}").get_json()
    assert [n["id"] for n in rest["notifications"]] == [ids[2], ids[1], ids[0]]
    assert rest["has_more"] is False


def test_read_read_all_and_delete_go_through_the_feed(app, api, users):
    first, second, third = (notify(app, users["bob"], f"n{i}") for i in range(3))
    bob, other_tab = api("bob"), api("bob")
    cursor = other_tab.poll()["cursor"]
    answer = bob.post(f"{API}/{first}/read").get_json()
    assert answer["notification"]["read_at"] and answer["unread"] == 2
    assert bob.post(f"{API}/{first}/read").status_code == 200  # again: nothing new written
    deleted = bob.delete(f"{API}/{second}")
    assert deleted.status_code == 200 and deleted.get_json() == {"deleted": second, "unread": 1}
    assert bob.post(f"{API}/read-all").get_json() == {"updated": 1, "unread": 0}
    assert bob.post(f"{API}/read-all").get_json() == {"updated": 0, "unread": 0}
    changes = other_tab.poll(cursor)["changes"]
    assert [(c["type"], {k: v for k, v in c["data"].items() if k != "read_at"}) for c in changes] == [
        ("notification_read", {"ids": [first]}),
        ("notification_deleted", {"id": second}),
        ("notification_read", {"all": True}),
    ]
    assert [n["id"] for n in bob.get(API).get_json()["notifications"]] == [third, first]
    assert bob.get(f"{API}/unread-count").get_json() == {"unread": 0}


def test_a_user_touches_only_their_own(app, api, users):
    nid = notify(app, users["bob"], "private")
    carol = api("carol")
    assert carol.get(API).get_json()["notifications"] == []
    for response in (carol.post(f"{API}/{nid}/read"), carol.delete(f"{API}/{nid}")):
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "unknown_notification"
    with app.app_context():
        row = db.session.get(Notification, (users["bob"], nid))
        assert row is not None and row.read_at is None


def test_endpoints_need_sign_in_and_csrf(app, api, users):
    nid = notify(app, users["bob"], "x")
    anonymous = api()
    for response in (anonymous.get(API), anonymous.get(f"{API}/unread-count")):
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    # As for every write: sign-in is checked before CSRF, so an anonymous write answers 401.
    assert anonymous.post(f"{API}/read-all").status_code == 401
    bob = api("bob")
    bob.token = "wrong"
    for response in (bob.post(f"{API}/{nid}/read"), bob.post(f"{API}/read-all"), bob.delete(f"{API}/{nid}")):
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "csrf_failed"
    with app.app_context():
        assert db.session.get(Notification, (users["bob"], nid)).read_at is None


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "before=0", "before=-3"])
def test_bad_paging_is_a_clear_400(api, users, query):
    response = api("bob").get(f"{API}?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("invalid_limit", "invalid_before")


def test_cli_notify(app, api, users):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "addchat",
            "notify",
            str(users["bob"]),
            str(users["carol"]),
            "deploy",
            "--data",
            '{"v": 2}',
            "--url",
            "https://example.com/x",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "stored for 2 user(s)" in result.output
    [row] = api("carol").get(API).get_json()["notifications"]
    assert (row["type"], row["data"], row["url"]) == ("deploy", {"v": 2}, "https://example.com/x")
    bad = runner.invoke(args=["addchat", "notify", str(users["bob"]), "x", "--data", "{nope"])
    assert bad.exit_code != 0 and "not JSON" in bad.output
    bad = runner.invoke(args=["addchat", "notify", str(users["bob"]), "x", "--url", "javascript:1"])
    assert bad.exit_code != 0 and "'url'" in bad.output
    assert len(api("bob").get(API).get_json()["notifications"]) == 1


def test_the_change_fits_every_transport(app, users):
    """A notification change is the same JSON for every recipient (one payload in the feed)."""
    notify(app, [users["alice"], users["bob"]], "same", {"k": "v"})
    with app.app_context():
        payloads = {json.dumps(json.loads(c.payload), sort_keys=True) for c in db.session.query(Change)}
    assert len(payloads) == 1
