"""Bench data: users, a change feed written by the real feed code, signed session cookies."""

import random
import secrets

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from addchat import create_app
from addchat.extensions import db
from addchat.feed import EVERYONE, append, ensure_positions, record, take_positions
from addchat.models import Change, ChatBase, Message, User
from addchat.services.messages import message_json
from addchat.transports.socketio.signout import SESSION_KEY

# Messages each user has sent before the run: about eight feed rows per user (both ends).
MESSAGES_PER_USER = 4
# One user in ten polls from a few changes back, so one poll in ten returns changes;
# the others poll at their current cursor and get an empty answer, like an idle widget.
LAGGING_EVERY = 10
LAG = 3


def bench_app(database_url, secret_key):
    """Build the app the way the server will see it, to seed its database and sign cookies."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret_key})


def seed(app, user_count, rng=None):
    """Create the tables, `user_count` users and their messages; return the user ids."""
    rng = rng or random.Random(7)
    with app.app_context():
        ChatBase.metadata.create_all(db.engine)
        password_hash = generate_password_hash("bench")
        db.session.execute(
            insert(User),
            [
                {"name": f"User {n}", "email": f"user{n}@bench.test", "password_hash": password_hash}
                for n in range(1, user_count + 1)
            ],
        )
        ids = list(db.session.scalars(select(User.id).order_by(User.id)))
        # Every user has opened the widget once (GET /config makes their feed row), then one
        # change for everyone, as an admin's switch of notification_type writes.
        ensure_positions(db.session, ids)
        record(db.session, "config", {"notification_type": "internal"}, [EVERYONE])
        for n in range(user_count * MESSAGES_PER_USER):
            sender, recipient = rng.sample(ids, 2)
            positions = take_positions(db.session, [recipient, sender])
            message = Message(
                sender_id=sender, recipient_id=recipient, body=f"Message {n}", seq=positions[recipient]
            )
            db.session.add(message)
            db.session.flush()
            append(db.session, positions, "message", message_json(message))
        db.session.commit()
        return ids


def poll_targets(app, user_ids):
    """Return (cookie, poll path) per user: most at their cursor, one in ten a few changes back.

    Even users carry a browser's cookie (tagged with `_addchat_session` by an earlier AddChat
    request), odd users one from before AddChat was installed (`_user_id` only).
    """
    with app.app_context():
        seqs = {}
        for user_id, seq in db.session.execute(select(Change.user_id, Change.seq).order_by(Change.seq)):
            seqs.setdefault(user_id, []).append(seq)
    serializer = app.session_interface.get_signing_serializer(app)
    targets = []
    for index, user_id in enumerate(user_ids):
        visible = seqs.get(user_id, [])
        if index % LAGGING_EVERY == 0 and len(visible) > LAG:
            cursor = visible[-LAG - 1]
        else:
            cursor = visible[-1] if visible else 0
        session = {"_user_id": str(user_id), "_fresh": True}
        if index % 2 == 0:
            session[SESSION_KEY] = secrets.token_urlsafe(16)
        cookie = serializer.dumps(session)
        targets.append((cookie, f"/addchat/api/poll?cursor={cursor}"))
    return targets
