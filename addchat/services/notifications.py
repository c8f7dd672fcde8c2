"""Notifications: stored one row per recipient, delivered through the change feed, read and deleted.

`send_notification` is the one bulk fan-out: whatever the number of recipients it runs a constant
number of statements of its own (one SELECT of the recipients, one INSERT of the send, one
INSERT ... SELECT of the rows) and hands the whole list of ids to ONE `feed.record` call, so the
feed's own bulk path decides the cost of the changes. Every change after that (read, read-all,
delete) is also a feed change, so a user's other tabs follow live.
"""

import json
import re

from sqlalchemy import bindparam, delete, func, insert, literal, select, update
from sqlalchemy.sql import Select

from addchat import feed
from addchat.models import UTCDateTime, utcnow
from addchat.notification_models import Notification, NotificationSend
from addchat.services.errors import InvalidInput, NotFound, TooLarge
from addchat.services.messages import iso
from addchat.services.notify import notify
from addchat.users import user_model

TYPE_RE = re.compile(r"\A[A-Za-z0-9_.:-]{1,64}\Z")
MAX_DATA_BYTES = 8000
MAX_URL_LENGTH = 2000
# Feed change types of this feature, as the widget receives them.
CREATED, READ, DELETED = "notification", "notification_read", "notification_deleted"


def clean_type(kind):
    """Check a notification type: 1 to 64 letters, digits or _ . : -."""
    if not isinstance(kind, str) or not TYPE_RE.match(kind):
        raise InvalidInput("'type' must be 1 to 64 letters, digits or _ . : -.", code="invalid_type")
    return kind


def clean_data(data):
    """Check the host's data: a JSON object of at most 8,000 bytes; return it encoded."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidInput("'data' must be a JSON object.", code="invalid_data")
    try:
        encoded = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidInput("'data' must hold only JSON values.", code="invalid_data") from error
    if len(encoded.encode("utf-8")) > MAX_DATA_BYTES:
        raise TooLarge(f"'data' is larger than {MAX_DATA_BYTES} bytes.", code="data_too_large")
    return encoded


def clean_url(url):
    """Check a link: absent, an http(s) URL, or a path on this site (never javascript: or //host)."""
    if url is None or url == "":
        return None
    refused = InvalidInput(
        "'url' must be an http(s) URL or a path starting with one '/'.", code="invalid_url"
    )
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH or any(c <= " " or c == "\\" for c in url):
        raise refused
    lowered = url.lower()
    if lowered.startswith(("http://", "https://")) and len(url.split("/", 3)[2]) > 0:
        return url
    if url.startswith("/") and not url.startswith("//"):
        return url
    raise refused


def recipients_statement(users):
    """Build the SELECT of recipient ids: one user, ids, users, or the host's own select/query."""
    model = user_model()
    statement = getattr(users, "statement", users)  # a legacy Query gives its Select
    if isinstance(statement, Select):
        sub = statement.subquery()
        column = sub.c["id"] if "id" in sub.c else list(sub.c)[0]
        return select(model.id).where(model.id.in_(select(column))).order_by(model.id)
    if isinstance(users, int | model) and not isinstance(users, bool):
        users = [users]
    try:
        ids = {getattr(user, "id", user) for user in users}
    except TypeError as error:
        raise InvalidInput(
            "'users' must be a user, user ids, or a select of ids.", code="invalid_users"
        ) from error
    if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise InvalidInput("'users' must be a user, user ids, or a select of ids.", code="invalid_users")
    # Integers written into the SQL: one statement whatever the count (no bound-parameter limit).
    wanted = bindparam("ids", sorted(ids), expanding=True, literal_execute=True)
    return select(model.id).where(model.id.in_(wanted)).order_by(model.id)


def notification_json(row):
    """Shape a notification as every endpoint and feed change sends it."""
    return {
        "id": row.id,
        "type": row.type,
        "data": json.loads(row.data),
        "url": row.url,
        "read_at": iso(row.read_at),
        "created_at": iso(row.created_at),
    }


def send_notification(session, users, kind, data=None, url=None):
    """Store a notification for every recipient and deliver it through the feed; return (id, count).

    Returns (None, 0) when no recipient exists: nothing is written then.
    """
    kind, encoded, url = clean_type(kind), clean_data(data), clean_url(url)
    ids = list(session.execute(recipients_statement(users)).scalars())
    if not ids:
        session.rollback()
        return None, 0
    # Whole seconds: what every database stores (MySQL's DATETIME has no fraction), so the change
    # the feed carries and the row the list returns say the same time.
    now = utcnow().replace(microsecond=0)
    # The send's id is committed on its own first: the feed may roll back and retry its step.
    send = NotificationSend(type=kind, recipients=len(ids), created_at=now)
    session.add(send)
    session.flush()
    send_id = send.id
    session.commit()
    payload = {
        "id": send_id,
        "type": kind,
        "data": json.loads(encoded),
        "url": url,
        "read_at": None,
        "created_at": iso(now),
    }
    changes = feed.record(session, CREATED, payload, ids)
    model = user_model()
    rows = select(
        model.id,
        literal(send_id),
        literal(kind),
        literal(encoded),
        literal(url),
        literal(now, UTCDateTime()),
    ).where(model.id.in_(bindparam("ids", ids, expanding=True, literal_execute=True)))
    columns = ["user_id", "id", "type", "data", "url", "created_at"]
    session.execute(insert(Notification.__table__).from_select(columns, rows))
    session.commit()
    notify(session, changes)
    return send_id, len(ids)


def _own(session, user_id, notification_id):
    """Load one of the user's notifications, or raise NotFound (others' are never revealed)."""
    row = session.get(Notification, (user_id, notification_id))
    if row is None:
        raise NotFound(f"No notification {notification_id} of yours.", code="unknown_notification")
    return row


def unread_count(session, user_id):
    """Count the user's unread notifications."""
    return session.execute(
        select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).scalar_one()


def list_notifications(session, user_id, before=None, limit=20):
    """Return one page of the user's notifications, newest first, and whether older ones exist."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if before is not None:
        stmt = stmt.where(Notification.id < before)
    rows = session.execute(stmt.order_by(Notification.id.desc()).limit(limit + 1)).scalars().all()
    return [notification_json(row) for row in rows[:limit]], len(rows) > limit


def mark_read(session, user_id, notification_id, origin=None):
    """Mark one notification read; the user's other widgets learn it through the feed."""
    row = _own(session, user_id, notification_id)
    if row.read_at is not None:
        return notification_json(row)
    read_at = utcnow()
    # The feed first: it takes this user's position (and may restart its own step) before any write.
    changes = feed.record(session, READ, {"ids": [notification_id], "read_at": iso(read_at)}, [user_id])
    updated = session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.id == notification_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=read_at)
    ).rowcount
    if not updated:
        # Read meanwhile (another tab) or deleted: release the position, write nothing.
        session.rollback()
        return notification_json(_own(session, user_id, notification_id))
    session.commit()
    notify(session, changes, origin=origin)
    return notification_json(_own(session, user_id, notification_id))


def mark_all_read(session, user_id, origin=None):
    """Mark every unread notification of the user read; return how many."""
    if not unread_count(session, user_id):
        return 0
    read_at = utcnow()
    changes = feed.record(session, READ, {"all": True, "read_at": iso(read_at)}, [user_id])
    updated = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=read_at)
    ).rowcount
    if not updated:
        session.rollback()
        return 0
    session.commit()
    notify(session, changes, origin=origin)
    return updated


def delete_notification(session, user_id, notification_id, origin=None):
    """Delete one of the user's notifications for good; other tabs drop it through the feed."""
    _own(session, user_id, notification_id)
    changes = feed.record(session, DELETED, {"id": notification_id}, [user_id])
    deleted = session.execute(
        delete(Notification).where(Notification.user_id == user_id, Notification.id == notification_id)
    ).rowcount
    if not deleted:
        session.rollback()
        raise NotFound(f"No notification {notification_id} of yours.", code="unknown_notification")
    session.commit()
    notify(session, changes, origin=origin)
    return unread_count(session, user_id)
