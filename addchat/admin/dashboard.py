"""The admin dashboard's numbers: aggregates only, never a message body.

Messages and feed changes per minute come from the database (every process writes there); polls
and push failures from the counters (addchat.stats: Redis when configured, else this process);
connections and online users from each transport (Socket.IO's presence store, the Pusher server's
HTTP API).
"""

from datetime import UTC, timedelta

from flask import current_app
from sqlalchemy import select

from addchat import stats
from addchat.context import state
from addchat.models import Change, Message, utcnow
from addchat.services.settings import live_settings

MINUTES = 10
# The per-minute counts read at most this many newest rows (by primary key, no extra index):
# a site busier than that in MINUTES minutes sees "at least" (the `capped` flag).
RECENT_ROWS = 10_000


def as_utc(moment):
    """Read a stored time as aware UTC (SQLite hands naive UTC back to a plain Core select)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def rows_per_minute(session, model, minutes=MINUTES):
    """Count a table's rows created in each of the last minutes, oldest first; and whether it capped."""
    now = utcnow()
    recent = select(model.created_at).order_by(model.id.desc()).limit(RECENT_ROWS).subquery()
    since = now - timedelta(minutes=minutes)
    times = session.execute(select(recent.c.created_at).where(recent.c.created_at > since)).scalars().all()
    counts = [0] * minutes
    current = int(now.timestamp() // 60)
    for created in times:
        age = current - int(as_utc(created).timestamp() // 60)
        if 0 <= age < minutes:
            counts[minutes - 1 - age] += 1
    return counts, len(times) >= RECENT_ROWS


def newest_change(session):
    """Return the feed's newest entry: its id, position and time (or None when the feed is empty)."""
    row = session.execute(
        select(Change.id, Change.seq, Change.created_at).order_by(Change.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return {"id": row.id, "seq": row.seq, "at": as_utc(row.created_at).isoformat().replace("+00:00", "Z")}


def snapshot(session):
    """Gather everything the dashboard shows, now."""
    counters = stats.counters()
    messages, messages_capped = rows_per_minute(session, Message)
    changes, changes_capped = rows_per_minute(session, Change)
    return {
        "at": utcnow().isoformat().replace("+00:00", "Z"),
        "notification_type": live_settings(session, current_app.config)["notification_type"],
        "minutes": MINUTES,
        "messages_per_minute": messages,
        "feed_changes_per_minute": changes,
        "capped": messages_capped or changes_capped,
        "feed_newest": newest_change(session),
        "counters_scope": counters.scope,
        "polls_per_minute": counters.per_minute("polls", MINUTES),
        "push_failures": {
            name: {
                "per_minute": counters.per_minute(f"push_failures:{name}", MINUTES),
                "last_errors": counters.errors(f"push:{name}"),
            }
            for name in state().transports
            if name != "internal"
        },
        "transports": {name: transport.live_stats() for name, transport in state().transports.items()},
    }
