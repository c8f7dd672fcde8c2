"""Throwaway databases for the bench: a PostgreSQL database made and dropped, a SQLite file."""

import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.load import RESULTS


def throwaway_postgres(base_url):
    """Create an empty database next to base_url; return its URL and a function dropping it."""
    url = make_url(base_url)
    name = f"addchat_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def sqlite_database():
    """Return the URL of a fresh SQLite file in bench/results/ (default rollback journal)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "bench.sqlite"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}", lambda: None
