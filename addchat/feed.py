"""The change feed: the one ordered record of everything a widget must learn.

Every change (a message, a seen receipt, a deletion, a notification, a switch of
notification_type) is written here in the same transaction as the data it describes,
addressed to each user who must learn it (user_id 0 addresses everyone). Its `seq` is the
cursor every transport carries: the internal poll reads the feed directly, and push
transports only carry changes already committed here, so a client that missed a push
catches up with `changes_since(cursor)` and drops what it has seen by `seq`.

Nothing lost: `seq` values come from one counter row that each writer updates before it
writes its changes. The row lock taken by that UPDATE is held until the writer commits, so
a later `seq` can never commit before an earlier one: a reader that has seen `seq` N has
already seen everything below N. (An auto-increment id would not do: a transaction that
took id 10 may commit after one that took 11 was read, and the poller would skip 10.)
"""

import json
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update

from addchat.models import Change, FeedSequence

EVERYONE = 0


@dataclass(frozen=True)
class FeedChange:
    """A committed change as every transport delivers it to one user."""

    seq: int
    user_id: int
    type: str
    data: dict

    def to_json(self):
        """Shape the change as the widget receives it, whatever the transport."""
        return {"seq": self.seq, "type": self.type, "data": self.data}


def take_seq(session):
    """Reserve the next feed position; its row lock orders commits until this one ends."""
    session.execute(update(FeedSequence).where(FeedSequence.id == 1).values(last=FeedSequence.last + 1))
    return session.execute(select(FeedSequence.last).where(FeedSequence.id == 1)).scalar_one()


def append(session, seq, kind, data, user_ids):
    """Add one change at `seq` for each user; the caller commits, then publishes them."""
    payload = json.dumps(data, separators=(",", ":"))
    changes = []
    for user_id in dict.fromkeys(user_ids):
        session.add(Change(seq=seq, user_id=user_id, kind=kind, payload=payload))
        changes.append(FeedChange(seq=seq, user_id=user_id, type=kind, data=data))
    return changes


def record(session, kind, data, user_ids):
    """Take a position and add the change there in one step."""
    return append(session, take_seq(session), kind, data, user_ids)


# The poll's statement, built once: Core columns and bound parameters, no ORM work per request.
_changes = Change.__table__.c
POLL_STATEMENT = (
    select(_changes.seq, _changes.kind, _changes.payload)
    .where(
        _changes.user_id.in_([bindparam("user_id"), bindparam("everyone")]),
        _changes.seq > bindparam("cursor"),
    )
    .order_by(_changes.seq)
    .limit(bindparam("limit"))
)


def changes_since(connection, user_id, cursor, limit):
    """Read one user's changes after `cursor`: the poll's single SELECT on one table.

    Takes a Session or a Core Connection; the poll passes a Connection to skip the ORM.
    """
    rows = connection.execute(
        POLL_STATEMENT,
        {"user_id": user_id, "everyone": EVERYONE, "cursor": cursor, "limit": limit + 1},
    ).all()
    more = len(rows) > limit
    return [
        {"seq": seq, "type": kind, "data": json.loads(payload)} for seq, kind, payload in rows[:limit]
    ], more


def current_cursor(session, user_id):
    """Return the newest position this user has a change at (0 when none)."""
    value = session.execute(
        select(func.max(Change.seq)).where(Change.user_id.in_((user_id, EVERYONE)))
    ).scalar()
    return value or 0
