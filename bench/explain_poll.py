"""EXPLAIN the poll's own SQL on PostgreSQL with a million feed rows; fail on a Seq Scan.

    python -m bench.explain_poll [--rows 1000000] [--users 10000]

Fills addchat_changes of a throwaway database with INSERT ... SELECT generate_series,
runs ANALYZE, then calls addchat.feed.changes_since itself and captures the statement and
parameters it sends, so the plan is of the exact SQL the poll runs, not a retyped copy.
"""

import argparse
import os
import sys
import time

from sqlalchemy import event, text

from addchat import feed
from addchat.extensions import db
from addchat.models import ChatBase
from bench.databases import throwaway_postgres
from bench.seed import bench_app

INDEX = "ix_addchat_changes_user_seq"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

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


def main():
    """Fill, analyze, explain three polls; exit 1 unless every plan uses the index."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("ADDCHAT_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    args = parser.parse_args()
    url, drop = throwaway_postgres(args.postgres_url)
    ok = True
    try:
        app = bench_app(url, "explain")
        with app.app_context():
            ChatBase.metadata.create_all(db.engine)
            started = time.monotonic()
            fill(args.rows, args.users)
            print(
                f"Filled {args.rows:,} feed rows for {args.users:,} users in {time.monotonic() - started:.1f} s"
            )
            user_id = 42
            seqs = db.session.scalars(
                text("SELECT seq FROM addchat_changes WHERE user_id = :u ORDER BY seq"), {"u": user_id}
            ).all()
            limit = app.config["ADDCHAT_POLL_BATCH"]
            cases = [
                ("idle widget at its cursor (empty poll)", seqs[-1]),
                ("widget three changes behind", seqs[-4]),
                ("widget from cursor 0 (a full batch)", 0),
            ]
            for title, cursor in cases:
                statement, parameters = captured_poll(user_id, cursor, limit)
                plan = explain(statement, parameters)
                uses_index = any(INDEX in line for line in plan)
                seq_scan = any("Seq Scan" in line for line in plan)
                ok = ok and uses_index and not seq_scan
                print(f"\n-- {title}: user {user_id}, cursor {cursor}")
                print(statement % {k: repr(v) for k, v in parameters.items()})
                print("\n".join(plan))
                print(f"=> uses {INDEX}: {uses_index}; Seq Scan: {seq_scan}")
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
    print("\nOK: every poll plan uses the index." if ok else "\nFAIL: a poll plan does not use the index.")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
