"""The admin dashboard's JSON: aggregates only, admins only, counters shared through Redis when set."""

import json
import os
import uuid

import pytest
import redis

from addchat.extensions import db, socketio
from addchat.models import User
from addchat.transports.socketio.presence import RedisPresence
from testkit import free_port, sign_in
from tests.conftest import ApiClient, make_test_app

REDIS_URL = os.environ.get("ADDCHAT_TEST_REDIS_URL")


def last_two(counts):
    """Sum the last two minutes (a minute may turn over during the test)."""
    return sum(counts[-2:])


def test_dashboard_counts_messages_feed_changes_and_polls_without_bodies(app, api, users):
    alice, bob = api("alice"), api("bob")
    for body in ("first secret words", "second secret words"):
        assert alice.send(users["bob"], body).status_code == 201
    for _ in range(3):
        bob.poll()
    response = alice.get("/addchat/admin/stats")
    assert response.status_code == 200 and response.cache_control.no_store
    stats = response.get_json()
    assert last_two(stats["messages_per_minute"]) == 2
    assert last_two(stats["feed_changes_per_minute"]) >= 2
    assert len(stats["messages_per_minute"]) == stats["minutes"] == 10
    assert last_two(stats["polls_per_minute"]) == 3
    assert stats["counters_scope"] == "process"
    assert stats["feed_newest"]["id"] >= 2 and stats["feed_newest"]["at"].endswith("Z")
    assert stats["notification_type"] == "internal"
    assert set(stats["transports"]) == {"internal", "socketio", "pusher"}
    assert set(stats["push_failures"]) == {"socketio", "pusher"}
    assert "secret words" not in response.get_data(as_text=True)


def test_dashboard_is_for_admins_only(api):
    forbidden = api("bob").get("/addchat/admin/stats")
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["code"] == "forbidden"
    anonymous = api().get("/addchat/admin/stats")
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"


def test_socketio_connections_and_online_users_come_from_the_presence_store(app, api, users):
    flask_client = app.test_client()
    sign_in(flask_client, users["bob"])
    tabs = [socketio.test_client(app, flask_test_client=flask_client) for _ in range(2)]
    try:
        assert all(tab.is_connected() for tab in tabs)
        stats = api("alice").get("/addchat/admin/stats").get_json()["transports"]["socketio"]
        assert stats == {"connections": 2, "online_users": 1, "scope": "process"}
    finally:
        for tab in tabs:
            tab.disconnect()
    stats = api("alice").get("/addchat/admin/stats").get_json()["transports"]["socketio"]
    assert stats["connections"] == 0


def test_failed_pushes_are_counted_with_their_last_error(tmp_path, users):
    # Pusher is live but nothing listens where it triggers: the send is stored, the push fails.
    app = make_test_app(
        f"sqlite:///{tmp_path / 'f.db'}",
        ADDCHAT_DEFAULT_NOTIFICATION_TYPE="pusher",
        PUSHER_HOST="127.0.0.1",
        PUSHER_PORT=free_port(),
        PUSHER_SSL=False,
        PUSHER_TIMEOUT=1,
    )
    with app.app_context():
        db.session.add_all(
            [
                User(name="A", email="a@x", password_hash="x", is_admin=True),
                User(name="B", email="b@x", password_hash="x"),
            ]
        )
        db.session.commit()
    admin = ApiClient(app, 1)
    assert admin.send(2, "stored though the push fails").status_code == 201
    failures = admin.get("/addchat/admin/stats").get_json()["push_failures"]["pusher"]
    assert last_two(failures["per_minute"]) == 1
    (last,) = failures["last_errors"]
    assert "Connection" in last["error"] and isinstance(last["at"], int)
    assert "stored though" not in json.dumps(failures)


@pytest.fixture
def redis_prefix():
    """A fresh key prefix on the test Redis, removed afterwards."""
    if not REDIS_URL:
        pytest.skip("needs ADDCHAT_TEST_REDIS_URL")
    prefix = f"addchat-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_counters_in_redis_are_shared_by_processes(tmp_path, redis_prefix):
    settings = {"ADDCHAT_STATS_REDIS_URL": REDIS_URL, "SOCKETIO_CHANNEL": redis_prefix}
    url = f"sqlite:///{tmp_path / 'r.db'}"
    one, two = make_test_app(url, **settings), make_test_app(url, **settings)
    with one.app_context():
        db.session.add(User(name="A", email="a@x", password_hash="x", is_admin=True))
        db.session.commit()
    for _ in range(4):
        assert ApiClient(one, 1).get("/addchat/api/poll?cursor=0").status_code == 200
    stats = ApiClient(two, 1).get("/addchat/admin/stats").get_json()
    assert stats["counters_scope"] == "redis"
    assert last_two(stats["polls_per_minute"]) == 4


def test_redis_presence_counts_connections_of_every_process(redis_prefix):
    first, second = RedisPresence(REDIS_URL, redis_prefix), RedisPresence(REDIS_URL, redis_prefix)
    first.connect(1, "a")
    second.connect(1, "b")
    second.connect(2, "c")
    assert first.counts() == second.counts() == (3, 2)
    second.disconnect("c")
    assert first.counts() == (2, 1)
