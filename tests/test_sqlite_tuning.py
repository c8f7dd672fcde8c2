"""The embedded default: SQLite in WAL mode, synchronous=NORMAL, a busy timeout."""

import pytest
from sqlalchemy import text

from addchat.extensions import db
from tests.conftest import make_test_app


def _pragmas(app):
    """Read the three pragmas through a connection of AddChat's engine."""
    with app.app_context(), db.engine.connect() as conn:
        return tuple(
            conn.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "busy_timeout")
        )


@pytest.mark.parametrize("wal, expected", [(True, ("wal", 1, 5000)), (False, ("delete", 2, 5000))])
def test_sqlite_connections_are_tuned_unless_switched_off(tmp_path, wal, expected):
    app = make_test_app(f"sqlite:///{tmp_path / 'tuned.db'}", ADDCHAT_SQLITE_WAL=wal)
    try:
        assert _pragmas(app) == expected
    finally:
        with app.app_context():
            db.engine.dispose()
