"""Nothing lost, nothing twice, per user: concurrent writers never let a poller skip a change.

Runs on PostgreSQL and MariaDB (the race needs real concurrent transactions). Every writer holds
its transaction open a random while after it took its positions, so that commits overlap.

To see the proof bite, run it against an ordering that is not safe:

    ADDCHAT_FEED_TEST_POSITIONS=naive     pytest tests/test_feed_concurrency.py   # MAX(seq)+1
    ADDCHAT_FEED_TEST_POSITIONS=sequence  pytest tests/test_feed_concurrency.py   # a plain sequence

`naive` fails with repeated positions (the unique index turns them into errors), `sequence` with
changes a poller skipped (a later seq committed and was read before an earlier one).
"""

import os
import random
import threading
import time

import pytest
from sqlalchemy import func, select, text

from addchat import feed
from addchat.extensions import db
from addchat.models import Change, User
from tests.conftest import ApiClient, make_test_app

MODE = os.environ.get("ADDCHAT_FEED_TEST_POSITIONS", "rows")
SENDERS = 6
MESSAGES_EACH = 30
POLL_BATCH = 7  # small pages: many reads land mid-stream


def naive_positions(session, user_ids):
    """The trap: read each user's newest seq and add one (two writers take the same)."""
    return {
        user_id: session.execute(
            select(func.coalesce(func.max(Change.seq), 0) + 1).where(Change.user_id == user_id)
        ).scalar_one()
        for user_id in dict.fromkeys(user_ids)
    }


def sequence_positions(session, user_ids):
    """The other trap: one number from a plain sequence (commits need not follow its order)."""
    if session.connection().dialect.name == "postgresql":
        seq = session.execute(text("SELECT nextval('addchat_test_seq')")).scalar_one()
    else:
        seq = session.execute(text("SELECT NEXTVAL(addchat_test_seq)")).scalar_one()
    return dict.fromkeys(user_ids, seq)


@pytest.fixture
def busy_app(server_database, tmp_path, monkeypatch):
    """An app on PostgreSQL or MariaDB whose writers dawdle after taking positions."""
    backend, url = server_database
    if backend == "sqlite":
        pytest.skip("the commit-order race needs a real concurrent database (PostgreSQL, MariaDB)")
    app = make_test_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 30, "max_overflow": 10})
    app.config.update(
        ADDCHAT_SEND_RATE_LIMIT="100000/second",
        ADDCHAT_POLL_RATE_LIMIT="100000/second",
        ADDCHAT_POLL_BATCH=POLL_BATCH,
    )
    take = {"rows": feed.take_positions, "naive": naive_positions, "sequence": sequence_positions}[MODE]
    if MODE == "sequence":
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("DROP SEQUENCE IF EXISTS addchat_test_seq"))
            conn.execute(text("CREATE SEQUENCE addchat_test_seq"))

    def dawdling(session, user_ids):
        positions = take(session, user_ids)
        time.sleep(random.uniform(0, 0.02))
        return positions

    monkeypatch.setattr(feed, "take_positions", dawdling)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def make_people(app, count, prefix):
    """Create users; return their ids."""
    with app.app_context():
        people = [
            User(name=f"{prefix} {n}", email=f"{prefix}{n}@example.com", password_hash="x", is_admin=True)
            for n in range(count)
        ]
        db.session.add_all(people)
        db.session.commit()
        return [p.id for p in people]


class Poller(threading.Thread):
    """One open widget of one user: polls from cursor 0 until told to stop and caught up."""

    def __init__(self, client, done):
        super().__init__()
        self.client, self.done = client, done
        self.seen = []  # (type, message id or switch value) in the order received
        self.seqs = []
        self.failure = None

    def run(self):
        cursor = 0
        try:
            while True:
                finished = self.done.is_set()
                page = self.client.poll(cursor)
                for change in page["changes"]:
                    self.seqs.append(change["seq"])
                    data = change["data"]
                    self.seen.append(
                        ("config", None) if change["type"] == "config" else ("message", data["id"])
                    )
                cursor = page["cursor"]
                if finished and not page["more"]:
                    return
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.failure = error


def run_writers(app, plan, watched, switches=0):
    """Send `plan` [(sender, recipient), ...] from SENDERS threads while every watched user polls.

    Returns ({user_id: [message ids that concern them]}, {user_id: [Poller, ...]}, errors).
    """
    clients = {uid: ApiClient(app, uid) for uid in {u for pair in plan for u in pair} | set(watched)}
    done = threading.Event()
    pollers = {
        uid: [Poller(ApiClient(app, uid), done) for _ in range(copies)] for uid, copies in watched.items()
    }
    sent, errors, lock = {}, [], threading.Lock()
    by_sender = {}
    for sender, recipient in plan:
        by_sender.setdefault(sender, []).append(recipient)

    def send_all(sender, recipients):
        client = ApiClient(app, sender)
        for n, recipient in enumerate(recipients):
            try:
                response = client.send(recipient, f"{sender}:{n}")
            except Exception as error:  # noqa: BLE001 - TESTING propagates a 500's exception
                errors.append(repr(error)[:300])
                return
            if response.status_code != 201:
                errors.append(response.get_data(as_text=True)[:300])
                return
            with lock:
                for uid in (sender, recipient):
                    sent.setdefault(uid, []).append(response.get_json()["id"])

    def switch_all(admin):
        client = clients[admin]
        for n in range(switches):
            kind = ("socketio", "internal")[n % 2]
            response = client.post("/addchat/api/settings", json={"notification_type": kind})
            if response.status_code != 200:
                errors.append(response.get_data(as_text=True)[:300])
                return
            time.sleep(0.05)

    writers = [threading.Thread(target=send_all, args=item) for item in by_sender.items()]
    if switches:
        writers.append(threading.Thread(target=switch_all, args=(next(iter(watched)),)))
    everyone = [p for group in pollers.values() for p in group]
    for thread in everyone + writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=180)
    done.set()
    for thread in everyone:
        thread.join(timeout=120)
    return sent, pollers, errors


def assert_exactly_once(sent, pollers, switches):
    """Each poller of a user saw each of that user's changes once, in increasing seq order."""
    for uid, group in pollers.items():
        for poller in group:
            assert poller.failure is None, poller.failure
            assert poller.seqs == sorted(set(poller.seqs)), f"user {uid}: a seq repeated or went back"
            messages = [key for kind, key in poller.seen if kind == "message"]
            assert len(messages) == len(set(messages)), f"user {uid}: a message arrived twice"
            assert sorted(messages) == sorted(sent.get(uid, [])), f"user {uid}: a message was skipped"
            configs = [kind for kind, _ in poller.seen if kind == "config"]
            assert len(configs) == switches, f"user {uid}: {len(configs)} of {switches} switches arrived"


def test_concurrent_writers_to_one_user_deliver_each_change_exactly_once(busy_app):
    senders = make_people(busy_app, SENDERS, "sender")
    (target,) = make_people(busy_app, 1, "target")
    plan = [(sender, target) for sender in senders for _ in range(MESSAGES_EACH)]
    sent, pollers, errors = run_writers(busy_app, plan, {target: 3})
    assert not errors, errors[:3]
    assert len(sent[target]) == SENDERS * MESSAGES_EACH
    assert_exactly_once(sent, pollers, switches=0)


def test_concurrent_writers_to_different_users_and_to_everyone_deliver_exactly_once(busy_app):
    senders = make_people(busy_app, SENDERS, "sender")
    targets = make_people(busy_app, 3, "target")
    rng = random.Random(11)
    plan = [(sender, rng.choice(targets)) for sender in senders for _ in range(MESSAGES_EACH)]
    # Replies lock the same pairs of rows from the other end: user-id order keeps them deadlock-free.
    plan += [(target, rng.choice(senders)) for target in targets for _ in range(MESSAGES_EACH)]
    switches = 4 if MODE == "rows" else 0  # the fan-out is the rows' own (addchat/feed.py)
    watched = {**dict.fromkeys(targets, 2), **dict.fromkeys(senders[:2], 1)}
    sent, pollers, errors = run_writers(busy_app, plan, watched, switches=switches)
    assert not errors, errors[:3]
    assert sum(len(ids) for ids in sent.values()) == 2 * len(plan)
    assert_exactly_once(sent, pollers, switches)
