"""The Alembic route for host sites: `flask addchat db upgrade` with its own version table."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_login import LoginManager, UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, inspect, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from addchat import AddChat
from addchat.models import ChatBase
from tests.conftest import ApiClient


class SiteBase(DeclarativeBase):
    """The host's own models."""


class Member(UserMixin, SiteBase):
    """The host's user table: called members, not users."""

    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    nickname: Mapped[str] = mapped_column(String(80))


def chat_tables():
    """AddChat's own tables (ChatBase also holds the demo's users table)."""
    return [table for name, table in ChatBase.metadata.tables.items() if name.startswith("addchat_")]


def include_chat_table(item, name, kind, reflected, compare_to):
    """Compare AddChat's own tables only (not the host's, the demo's users, or the version table)."""
    return kind != "table" or (name.startswith("addchat_") and name != "addchat_alembic_version")


def test_addchat_migrations_keep_their_own_version_table_beside_the_hosts(server_database, tmp_path):
    url = server_database[1] or f"sqlite:///{tmp_path / 'site.db'}"
    site_db = SQLAlchemy(model_class=SiteBase)
    app = Flask("migrating_host")
    app.config.update(SECRET_KEY="s", SQLALCHEMY_DATABASE_URI=url, ADDCHAT_USER_NAME_FIELD="nickname")
    site_db.init_app(app)
    LoginManager(app).user_loader(lambda user_id: site_db.session.get(Member, int(user_id)))
    AddChat(app, user_model=Member, db=site_db)
    runner = app.test_cli_runner()
    with app.app_context():
        # The session's server database may hold other tests' tables: start from an empty one.
        ChatBase.metadata.drop_all(site_db.engine)
        with site_db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            conn.execute(text("DROP TABLE IF EXISTS addchat_alembic_version"))
        # The host's own Alembic history, at a revision AddChat knows nothing about.
        SiteBase.metadata.create_all(site_db.engine)
        with site_db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version VALUES ('host_0007')"))
            conn.execute(text("INSERT INTO members (id, nickname) VALUES (1, 'Ann'), (2, 'Ben')"))
    try:
        result = runner.invoke(args=["addchat", "db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            tables = set(inspect(site_db.engine).get_table_names())
            assert {t.name for t in chat_tables()} <= tables
            assert "users" not in tables, "the demo's users table stays out of a host's database"
            with site_db.engine.connect() as conn:
                assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
                    "host_0007"
                ]
                ours = conn.execute(text("SELECT version_num FROM addchat_alembic_version")).scalars().all()
                only_chat = {"include_object": include_chat_table}
                diff = compare_metadata(MigrationContext.configure(conn, opts=only_chat), ChatBase.metadata)
            assert len(ours) == 1
            # The migrated tables are the ones the models describe.
            assert diff == []
        assert ApiClient(app, 1).send(2, "migrated").status_code == 201
        current = runner.invoke(args=["addchat", "db", "current"])
        assert ours[0] in current.output
        # Down to base: AddChat's tables go, the host's stay.
        assert runner.invoke(args=["addchat", "db", "downgrade", "base"]).exit_code == 0
        with app.app_context():
            left = set(inspect(site_db.engine).get_table_names())
            assert not {t.name for t in chat_tables()} & left
            assert {"members", "alembic_version"} <= left
    finally:
        with app.app_context():
            ChatBase.metadata.drop_all(site_db.engine, tables=chat_tables())
            SiteBase.metadata.drop_all(site_db.engine)
            with site_db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
                conn.execute(text("DROP TABLE IF EXISTS addchat_alembic_version"))
            site_db.engine.dispose()
