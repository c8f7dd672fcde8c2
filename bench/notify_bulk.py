"""Time addchat.notify for 10,000 recipients and count the SQL statements it sends.

    python -m bench.notify_bulk [--users 10000] [--database-url postgresql+psycopg://...]
    python -m bench.notify_bulk --all     # SQLite, PostgreSQL and MariaDB here (what `make bench` runs)

Runs on a fresh SQLite file by default, or on a throwaway database on the server of
--database-url (PostgreSQL or MariaDB). Prints the wall time of the call and its statements,
split into the notification feature's own and the change feed's (feed.record), since the feed's
cost is the feed module's to bound. The figures also go to bench/results/notify_bulk.json.
"""

import argparse
import json
import os
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import insert, select

import addchat
from addchat import create_app
from addchat.extensions import db
from addchat.models import ChatBase, User
from bench.databases import sqlite_database
from testkit import record_statements, throwaway_database

RESULTS = Path(__file__).resolve().parent / "results"
# --all: the database servers of this machine (the test suite's URLs when they are set).
SERVERS = (
    os.environ.get("ADDCHAT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    os.environ.get("ADDCHAT_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
)


def run(url, users, rows):
    """Seed `users` users, notify all of them twice (a list, then a select); print and keep the figures."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ADDCHAT_NOTIFICATION_TYPE": "internal"})
    with app.app_context():
        ChatBase.metadata.drop_all(db.engine)
        ChatBase.metadata.create_all(db.engine)
        db.session.execute(
            insert(User),
            [{"name": f"U{n}", "email": f"u{n}@bench.test", "password_hash": "-"} for n in range(users)],
        )
        db.session.commit()
        ids = list(db.session.scalars(select(User.id)))
        for label, audience in (("list of ids", ids), ("select(User.id)", select(User.id))):
            started = time.perf_counter()
            statements, _ = record_statements(
                db.engine, lambda a=audience: addchat.notify(a, "bench", {"title": "Hello"}, "/x")
            )
            elapsed = time.perf_counter() - started
            kinds = Counter(_owner(s) for s in statements)
            rows.append(
                {
                    "database": db.engine.dialect.name,
                    "audience": label,
                    "recipients": users,
                    "seconds": elapsed,
                    "statements": len(statements),
                    **{kind: kinds[kind] for kind in ("notifications", "feed", "settings")},
                }
            )
            print(
                f"{db.engine.dialect.name:10} {label:16} {users} recipients: {elapsed * 1000:8.1f} ms, "
                f"{len(statements)} statements ({kinds['notifications']} notifications, "
                f"{kinds['feed']} feed, {kinds['settings']} settings)"
            )
        db.session.remove()  # notify's last read (the live transport) left a transaction open
        ChatBase.metadata.drop_all(db.engine)
        db.engine.dispose()


def _owner(statement):
    """Say whose statement it is: the feature's, the change feed's, or the live-transport lookup's."""
    if "addchat_changes" in statement or "addchat_feed" in statement:
        return "feed"
    return "settings" if "addchat_settings" in statement else "notifications"


def main():
    """Parse arguments and run on each database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--database-url", action="append", default=[])
    parser.add_argument(
        "--all", action="store_true", help="SQLite, then this machine's PostgreSQL and MariaDB"
    )
    parser.add_argument("--json", default=str(RESULTS / "notify_bulk.json"))
    args = parser.parse_args()
    rows = []
    if args.all or not args.database_url:
        url, drop = sqlite_database()
        run(url, args.users, rows)
        drop()
    for base in args.database_url or (SERVERS if args.all else ()):
        url, drop = throwaway_database(base, prefix="addchat_bench")
        try:
            run(url, args.users, rows)
        finally:
            drop()
    command = "python -m bench.notify_bulk" + (" --all" if args.all else "")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"command": command, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
