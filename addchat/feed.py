"""The change feed: the one ordered record of everything a widget must learn.

Every change (a message, a seen receipt, a deletion, a switch of notification_type) is written
here in the same transaction as the data it describes, as one row per user who must learn it,
at a position (`seq`) of that user's own feed. `seq` is the cursor every transport carries: the
internal poll reads the feed directly, and push transports only carry changes already
committed here, so a client that missed a push catches up with `changes_since(cursor)` and
drops what it has seen by `seq`.

Nothing lost, per user: each user's positions come from that user's row of
`addchat_feed_positions`. A writer bumps the rows of the users it writes to, in user-id order
(so two writers cannot deadlock), and each row lock is held until commit, so a later position
of one user can never commit before an earlier one: a reader that has seen that user's `seq` N
has already seen everything of theirs below N. (An auto-increment id or a plain sequence would
not do: a transaction that took 10 may commit after one that took 11 was read, and the poller
would skip 10.) Writers to different users touch different rows and never wait for each other.

Changes for everyone (`EVERYONE`, the admin's switch of notification_type) are fanned out at
write time: a constant number of statements locks every position row in user-id order, bumps
them all and copies the change to each user at their new position, so the poll stays one range
of one user's rows. Row 0 is the guard: new position rows are created only under its shared
lock and start at its `last_seq`, and the fan-out locks it first, exclusively, so no row can
appear half-way through a fan-out. GET /config creates the caller's row before it reads the
settings, so every open widget is covered.
"""

import json
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from addchat.models import Change, FeedPosition, UTCDateTime, utcnow

EVERYONE = 0
# The position row that guards the creation of the others (see the module's docstring).
GUARD = 0

_positions = FeedPosition.__table__.c
_changes = Change.__table__.c


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


# Bump the users' rows and return their new positions, in one round trip where the database can.
# PostgreSQL: the CTE locks the rows in user-id order before the UPDATE changes them (one UPDATE
# alone may lock them in whatever order its plan visits them). SQLite: writers take the whole
# database, so order does not matter. MariaDB has no UPDATE ... RETURNING: a locking read takes the
# rows in id order and reads their latest values, which cannot move until commit, then one UPDATE
# bumps them all: two statements for any number of users.
_LOCKED = (
    select(_positions.user_id)
    .where(_positions.user_id.in_(bindparam("uids", expanding=True)))
    .order_by(_positions.user_id)
    .with_for_update()
    .cte("locked")
    .prefix_with("MATERIALIZED")
)
_BUMP_POSTGRESQL = (
    update(FeedPosition.__table__)
    .where(_positions.user_id == _LOCKED.c.user_id)
    .values(last_seq=_positions.last_seq + 1)
    .returning(_positions.user_id, _positions.last_seq)
)
_BUMP_SQLITE = (
    update(FeedPosition.__table__)
    .where(_positions.user_id.in_(bindparam("uids", expanding=True)))
    .values(last_seq=_positions.last_seq + 1)
    .returning(_positions.user_id, _positions.last_seq)
)
_LOCK_MYSQL = (
    select(_positions.user_id, _positions.last_seq)
    .where(_positions.user_id.in_(bindparam("uids", expanding=True)))
    .order_by(_positions.user_id)
    .with_for_update()
)
_BUMP_MYSQL = (
    update(FeedPosition.__table__)
    .where(_positions.user_id.in_(bindparam("uids", expanding=True)))
    .values(last_seq=_positions.last_seq + 1)
)


def _bump(session, user_ids):
    """Bump the rows of users given in id order; return {user_id: seq}, or None if a row is missing."""
    name = session.connection().dialect.name
    if name in ("mysql", "mariadb"):
        current = dict(session.execute(_LOCK_MYSQL, {"uids": user_ids}).all())
        if len(current) != len(user_ids):
            return None
        session.execute(_BUMP_MYSQL, {"uids": user_ids})
        return {user_id: seq + 1 for user_id, seq in current.items()}
    statement = _BUMP_POSTGRESQL if name == "postgresql" else _BUMP_SQLITE
    positions = dict(session.execute(statement, {"uids": user_ids}).all())
    return positions if len(positions) == len(user_ids) else None


def take_positions(session, user_ids):
    """Take the next position of each user's feed; the row locks order commits until this one ends.

    Call it first in the transaction: when a user has no position row yet, it rolls back (nothing
    is written then), creates the rows and starts again. Returns {user_id: seq} in the given order.
    """
    wanted = list(dict.fromkeys(user_ids))
    in_lock_order = sorted(wanted)
    positions = _bump(session, in_lock_order)
    if positions is None:
        session.rollback()
        ensure_positions(session, in_lock_order)
        positions = _bump(session, in_lock_order)
    return {user_id: positions[user_id] for user_id in wanted}


def _insert_ignoring_existing(session):
    """Build an INSERT of position rows that leaves rows already there alone, on each database."""
    table = FeedPosition.__table__
    name = session.connection().dialect.name
    if name == "postgresql":
        return postgresql_insert(table).on_conflict_do_nothing()
    if name == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing()
    return insert(table).prefix_with("IGNORE")


def ensure_positions(session, user_ids):
    """Create the users' missing position rows under the guard's shared lock, then commit."""
    guard = select(_positions.last_seq).where(_positions.user_id == GUARD).with_for_update(read=True)
    start = session.execute(guard).scalar()
    rows = [{"user_id": user_id, "last_seq": start or 0} for user_id in user_ids]
    if start is None:
        rows.insert(0, {"user_id": GUARD, "last_seq": 0})
    session.execute(_insert_ignoring_existing(session), rows)
    session.commit()


def append(session, positions, kind, data):
    """Add the change at each user's position ({user_id: seq}); the caller commits, then publishes."""
    payload = json.dumps(data, separators=(",", ":"))
    now = utcnow()
    session.execute(
        insert(Change.__table__),
        [
            {"seq": seq, "user_id": user_id, "kind": kind, "payload": payload, "created_at": now}
            for user_id, seq in positions.items()
        ],
    )
    return [FeedChange(seq=seq, user_id=user_id, type=kind, data=data) for user_id, seq in positions.items()]


def append_for_everyone(session, kind, data):
    """Add the change to every user's feed at their next position: five statements, whatever the count."""
    # The guard alone first: once it is ours, rows being created have committed and no new one
    # can start, so the next statement (a fresh snapshot) locks every row, in id order as writers do.
    session.execute(select(_positions.user_id).where(_positions.user_id == GUARD).with_for_update())
    session.execute(select(_positions.user_id).order_by(_positions.user_id).with_for_update()).all()
    users = _positions.user_id != GUARD
    session.execute(update(FeedPosition.__table__).where(users).values(last_seq=_positions.last_seq + 1))
    payload = json.dumps(data, separators=(",", ":"))
    copies = select(
        _positions.last_seq,
        _positions.user_id,
        literal(kind),
        literal(payload),
        literal(utcnow(), UTCDateTime()),
    ).where(users)
    session.execute(
        insert(Change.__table__).from_select(["seq", "user_id", "kind", "payload", "created_at"], copies)
    )
    placed = session.execute(select(_positions.user_id, _positions.last_seq).where(users)).all()
    return [FeedChange(seq=seq, user_id=user_id, type=kind, data=data) for user_id, seq in placed]


def record(session, kind, data, user_ids):
    """Take positions and add the change there in one step (EVERYONE among user_ids: every user)."""
    if EVERYONE in user_ids:
        return append_for_everyone(session, kind, data)
    return append(session, take_positions(session, user_ids), kind, data)


# The poll's statement, built once: Core columns and bound parameters, no ORM work per request.
# One range of the (user_id, seq) index, read in index order: no sort, no second range.
POLL_STATEMENT = (
    select(_changes.seq, _changes.kind, _changes.payload)
    .where(_changes.user_id == bindparam("user_id"), _changes.seq > bindparam("cursor"))
    .order_by(_changes.seq)
    .limit(bindparam("limit"))
)


def changes_since(connection, user_id, cursor, limit):
    """Read one user's changes after `cursor`: the poll's single SELECT on one table.

    Takes a Session or a Core Connection; the poll passes the request's Connection to skip the ORM.
    """
    rows = connection.execute(
        POLL_STATEMENT, {"user_id": user_id, "cursor": cursor, "limit": limit + 1}
    ).all()
    more = len(rows) > limit
    return [
        {"seq": seq, "type": kind, "data": json.loads(payload)} for seq, kind, payload in rows[:limit]
    ], more


_CURSOR = select(_positions.last_seq).where(_positions.user_id == bindparam("uid"))


def current_cursor(session, user_id):
    """Return the user's last committed position, creating the user's row (and committing) if missing.

    A widget opening now starts here; once the row exists every change for everyone reaches it.
    """
    seq = session.execute(_CURSOR, {"uid": user_id}).scalar()
    if seq is None:
        ensure_positions(session, [user_id])
        seq = session.execute(_CURSOR, {"uid": user_id}).scalar()
    return seq
