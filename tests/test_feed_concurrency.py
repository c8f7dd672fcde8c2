"""Nothing lost, nothing twice: concurrent senders never let a poller skip a change."""

import random
import threading
import time

import pytest
from sqlalchemy import event

from addchat.extensions import db
from addchat.models import User
from tests.conftest import ApiClient

SENDERS = 6
MESSAGES_EACH = 40
POLLERS = 3


@pytest.fixture
def crowd(app, backend):
    """Six senders and one recipient on PostgreSQL."""
    if backend != "postgres":
        pytest.skip("the commit-order race needs a real concurrent database (PostgreSQL)")
    with app.app_context():
        people = [
            User(name=f"Sender {n}", email=f"s{n}@example.com", password_hash="x") for n in range(SENDERS)
        ]
        target = User(name="Target", email="target@example.com", password_hash="x")
        db.session.add_all([*people, target])
        db.session.commit()
        return [p.id for p in people], target.id


@pytest.fixture
def slow_commits(app):
    """Widen the race: hold each sender's transaction open a random while after it took its seq."""
    with app.app_context():
        engine = db.engine

    def dawdle(conn, cursor, statement, parameters, context, executemany):
        if "addchat_feed_sequence" in statement and statement.lstrip().upper().startswith("SELECT"):
            time.sleep(random.uniform(0, 0.02))

    event.listen(engine, "after_cursor_execute", dawdle)
    yield
    event.remove(engine, "after_cursor_execute", dawdle)


def test_concurrent_senders_and_pollers_deliver_each_message_exactly_once(app, crowd, slow_commits):
    sender_ids, target_id = crowd
    sent, sent_lock = [], threading.Lock()
    done = threading.Event()
    errors = []

    def send_all(sender_id):
        client = ApiClient(app, sender_id)
        for n in range(MESSAGES_EACH):
            response = client.send(target_id, f"{sender_id}:{n}")
            if response.status_code != 201:
                errors.append(response.get_json())
                return
            with sent_lock:
                sent.append(response.get_json()["id"])

    def poll_all(seen):
        client = ApiClient(app, target_id)
        cursor = 0
        while True:
            finished = done.is_set()
            page = client.poll(cursor)
            for change in page["changes"]:
                assert change["seq"] > cursor
                seen.append(change["data"]["id"])
            cursor = page["cursor"]
            if finished and not page["more"]:
                return

    app.config["ADDCHAT_SEND_RATE_LIMIT"] = "100000/second"
    app.config["ADDCHAT_POLL_RATE_LIMIT"] = "100000/second"
    app.config["ADDCHAT_POLL_BATCH"] = 7  # small pages: many reads land mid-stream
    observations = [[] for _ in range(POLLERS)]
    pollers = [threading.Thread(target=poll_all, args=(seen,)) for seen in observations]
    senders = [threading.Thread(target=send_all, args=(sid,)) for sid in sender_ids]
    for thread in pollers + senders:
        thread.start()
    for thread in senders:
        thread.join(timeout=120)
    done.set()
    for thread in pollers:
        thread.join(timeout=60)

    assert not errors
    assert len(sent) == SENDERS * MESSAGES_EACH
    for seen in observations:
        assert len(seen) == len(set(seen)), "a message arrived twice"
        assert sorted(seen) == sorted(sent), "a message was skipped"
