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

from sqlalchemy import text

from addchat.extensions import db
from addchat.models import ChatBase
from bench.databases import throwaway_postgres
from bench.seed import bench_app
from testkit.poll_plan import INDEX, captured_poll, explain, fill

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


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
