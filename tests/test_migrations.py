"""Migrations build the schema the models describe, on an empty database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, select

from addchat import create_app
from addchat.extensions import db
from addchat.models import ChatBase, FeedPosition


def test_upgrade_on_empty_database_matches_models(server_database, tmp_path):
    backend_name, url = server_database
    url = url or f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        ChatBase.metadata.drop_all(db.engine)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "addchat_messages", "addchat_changes", "addchat_settings"} <= tables
        guard = db.session.execute(select(FeedPosition.user_id, FeedPosition.last_seq)).all()
        assert [tuple(row) for row in guard] == [(0, 0)]
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), ChatBase.metadata)
        assert diff == []
        db.session.remove()
        ChatBase.metadata.drop_all(db.engine)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()
