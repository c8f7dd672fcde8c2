"""Throwaway databases for the bench: a PostgreSQL database made and dropped, a SQLite file."""

from bench.load import RESULTS
from testkit import throwaway_database


def throwaway_postgres(base_url):
    """Create an empty database next to base_url; return its URL and a function dropping it."""
    return throwaway_database(base_url, prefix="addchat_bench")


def sqlite_database():
    """Return the URL of a fresh SQLite file in bench/results/ (default rollback journal)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "bench.sqlite"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}", lambda: None
