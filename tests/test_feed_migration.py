"""Migration 0002 keeps the feed: old cursors stay valid, up and down, on every database."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from addchat import create_app
from addchat.extensions import db
from addchat.models import ChatBase
from tests.conftest import ApiClient

# Today's feed: users 1 and 2 chat, two switches for everyone (seq 3 and 6); user 3 has no row.
OLD_FEED = [
    (1, 1, "message"),
    (1, 2, "message"),
    (2, 2, "seen"),
    (2, 1, "seen"),
    (3, 0, "config"),
    (4, 1, "message"),
    (4, 2, "message"),
    (5, 2, "message_deleted"),
    (5, 1, "message_deleted"),
    (6, 0, "config"),
]


def _reset(engine):
    """Drop every table, the migrations' bookkeeping included."""
    ChatBase.metadata.drop_all(engine)
    with engine.begin() as conn:
        for table in ("addchat_feed_sequence", "addchat_feed_positions", "alembic_version"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


@pytest.fixture
def migrated_app(server_database, tmp_path):
    """An app whose database was built by migration 0001 and holds today's feed."""
    backend_name, url = server_database
    url = url or f"sqlite:///{tmp_path / 'feed-migration.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        _reset(db.engine)
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            for name in ("Ann", "Ben", "Cid"):
                conn.execute(
                    text(
                        "INSERT INTO users (name, email, password_hash, is_admin, created_at) "
                        "VALUES (:n, :e, 'x', false, '2026-01-01 00:00:00')"
                    ),
                    {"n": name, "e": f"{name.lower()}@example.com"},
                )
            for seq, user_id, kind in OLD_FEED:
                payload = '{"notification_type":"internal"}' if kind == "config" else f'{{"id":{seq}}}'
                conn.execute(
                    text(
                        "INSERT INTO addchat_changes (seq, user_id, kind, payload, created_at) "
                        "VALUES (:s, :u, :k, :p, '2026-01-01 00:00:00')"
                    ),
                    {"s": seq, "u": user_id, "k": kind, "p": payload},
                )
            conn.execute(text("UPDATE addchat_feed_sequence SET last = 6"))
    yield app
    with app.app_context():
        db.session.remove()
        _reset(db.engine)
        db.engine.dispose()


def _feed(app):
    """Return every feed row as (seq, user_id, kind), sorted."""
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(text("SELECT seq, user_id, kind FROM addchat_changes")).all()
    return sorted(tuple(row) for row in rows)


def _positions(app):
    """Return {user_id: last_seq} of the position table."""
    with app.app_context(), db.engine.connect() as conn:
        return dict(conn.execute(text("SELECT user_id, last_seq FROM addchat_feed_positions")).all())


def test_upgrade_keeps_positions_and_old_cursors(migrated_app):
    app = migrated_app
    with app.app_context():
        upgrade()
        assert "addchat_feed_sequence" not in inspect(db.engine).get_table_names()
    # Every counter starts at the old global counter; user 3 gets the guard's start later.
    assert _positions(app) == {0: 6, 1: 6, 2: 6}
    # The newest switch is copied to each user at its old seq; the originals stay.
    assert _feed(app) == sorted([*OLD_FEED, (6, 1, "config"), (6, 2, "config")])

    ann, cid = ApiClient(app, 1), ApiClient(app, 3)
    # An open widget behind the switch receives it, with the seq it had.
    behind = ann.poll(5)
    assert [(c["seq"], c["type"]) for c in behind["changes"]] == [(6, "config")]
    assert ann.poll(6) == {"cursor": 6, "changes": [], "more": False}
    # A user without a row (opened config above) starts at the old counter, not at 0.
    assert cid.get("/addchat/api/config").get_json()["cursor"] == 6
    sent = cid.send(1, "after the upgrade").get_json()
    assert sent["seq"] == 7
    assert [c["seq"] for c in ann.poll(6)["changes"]] == [7]
    assert [c["seq"] for c in cid.poll(6)["changes"]] == [7]


def test_downgrade_restores_the_global_counter(migrated_app):
    app = migrated_app
    with app.app_context():
        upgrade()
    ApiClient(app, 2).send(1, "between upgrade and downgrade")  # seq 7 for both
    with app.app_context():
        downgrade(revision="0001")
        tables = inspect(db.engine).get_table_names()
        assert "addchat_feed_positions" not in tables
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT id, last FROM addchat_feed_sequence")).all() == [(1, 7)]
    # The copies are gone; the originals for everyone and the new rows stay.
    assert _feed(app) == sorted([*OLD_FEED, (7, 1, "message"), (7, 2, "message")])
    with app.app_context():
        upgrade()
    assert _positions(app) == {0: 7, 1: 7, 2: 7}
    assert ApiClient(app, 1).poll(7)["changes"] == []
