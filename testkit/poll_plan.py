"""The poll's own SQL on a big feed: fill it, capture the one statement the poll sends, EXPLAIN it.

Shared by tests/test_poll_plan.py (the plan must use the index) and bench/explain_poll.py (prints it).
"""

from sqlalchemy import event, text

from addchat import feed
from addchat.extensions import db

INDEX = "ix_addchat_changes_user_seq"

# Row g goes to user 1 + g % users at that user's next position, as per-user counters give them;
# one row in 5,000 is a config change (fanned out to each user at write time, like the others).
FILL = """
INSERT INTO addchat_changes (seq, user_id, kind, payload, created_at)
SELECT 1 + g / :users,
       1 + g % :users,
       CASE WHEN g % 5000 = 0 THEN 'config' ELSE 'message' END,
       '{"id":' || g || ',"body":"Message ' || g || '"}',
       now()
FROM generate_series(0, :rows - 1) AS g
"""
POSITIONS = """
INSERT INTO addchat_feed_positions (user_id, last_seq)
SELECT user_id, max(seq) FROM addchat_changes GROUP BY user_id
"""


def fill(rows, users):
    """Write `rows` feed rows for `users` users, set their positions, and analyze the table."""
    db.session.execute(text(FILL), {"rows": rows, "users": users})
    db.session.execute(text(POSITIONS))
    db.session.commit()
    db.session.execute(text("ANALYZE addchat_changes"))
    db.session.commit()


def captured_poll(user_id, cursor, limit):
    """Run changes_since and return the one statement and parameters it sent."""
    sent = []

    def record(conn, cursor_, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.engine.connect() as connection:
            feed.changes_since(connection, user_id, cursor, limit)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    db.session.rollback()
    assert len(sent) == 1, sent
    return sent[0]


def explain(statement, parameters):
    """Return the EXPLAIN (ANALYZE, BUFFERS) lines of a captured statement."""
    connection = db.session.connection()
    lines = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).scalars().all()
    db.session.rollback()
    return lines
