"""Mounting AddChat into an existing Flask site with its own user table and db."""

import sys
import types

import pytest
from flask import Flask
from flask_login import LoginManager, UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from addchat import AddChat
from addchat.models import ChatBase
from tests.conftest import ApiClient


class HostBase(DeclarativeBase):
    """The host site's own declarative base."""


class Member(UserMixin, HostBase):
    """A host user whose columns are not called name/avatar."""

    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    photo_url: Mapped[str | None] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(20))
    is_staff: Mapped[bool] = mapped_column(default=False)


@pytest.fixture
def host_app(tmp_path):
    """A site that never heard of AddChat's config or models, then mounts it."""
    host_db = SQLAlchemy(model_class=HostBase)
    # The host's own templates folder, with a base.html of its own that AddChat must not pick up.
    templates = tmp_path / "host_templates"
    (templates / "admin").mkdir(parents=True)
    (templates / "base.html").write_text("<html>{% block content %}{% endblock %}{{ url_for('nowhere') }}")
    app = Flask("host", template_folder=str(templates))
    app.config.update(
        SECRET_KEY="host-secret",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'host.db'}",
        ADDCHAT_USER_NAME_FIELD="display_name",
        ADDCHAT_USER_AVATAR_FIELD="photo_url",
    )
    host_db.init_app(app)
    login = LoginManager(app)
    login.user_loader(lambda user_id: host_db.session.get(Member, int(user_id)))
    AddChat(
        app,
        user_model=Member,
        db=host_db,
        can_chat=lambda me, other: me.team == other.team,
        admin_check=lambda member: member.is_staff,
    )
    with app.app_context():
        HostBase.metadata.create_all(host_db.engine)
        chat_tables = [t for name, t in ChatBase.metadata.tables.items() if name.startswith("addchat_")]
        ChatBase.metadata.create_all(host_db.engine, tables=chat_tables)
        host_db.session.add_all(
            [
                Member(id=1, display_name="Ann", photo_url="/a.png", team="red", is_staff=True),
                Member(id=2, display_name="Ben", photo_url=None, team="red"),
                Member(id=3, display_name="Cy", photo_url=None, team="blue"),
            ]
        )
        host_db.session.commit()
    return app


def test_host_users_chat_with_configured_fields_and_policy(host_app):
    ann, ben, cy = ApiClient(host_app, 1), ApiClient(host_app, 2), ApiClient(host_app, 3)
    config = ann.get("/addchat/api/config").get_json()
    assert config["user"] == {"id": 1, "name": "Ann", "avatar": "/a.png"}
    assert [c["name"] for c in ann.get("/addchat/api/contacts").get_json()["contacts"]] == ["Ben"]
    assert ann.send(2, "hello from the host").status_code == 201
    assert [c["data"]["body"] for c in ben.poll()["changes"]] == ["hello from the host"]
    # The host's policy forbids chatting across teams: the other team is not even visible.
    assert cy.send(1, "hi").status_code == 404
    assert host_app.test_client().get("/addchat/api/contacts").status_code == 401


def test_admin_page_opens_on_a_bare_host_app_for_staff_and_refuses_members(host_app):
    ann, ben = ApiClient(host_app, 1), ApiClient(host_app, 2)
    page = ann.get("/addchat/admin/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    for name in ("internal", "socketio", "pusher"):
        assert f'data-value="{name}"' in html
    # Its own script and stylesheet, served by the admin blueprint, not the host's /static/.
    assert "/addchat/admin/static/admin.js" in html
    assert host_app.test_client().get("/addchat/admin/static/admin.js").status_code == 200
    # This host serves no "/": no link back to it.
    assert 'href="/"' not in html
    assert ben.get("/addchat/admin/").status_code == 403
    # The switch the page drives works for staff on the host app.
    assert ann.post("/addchat/api/settings", json={"notification_type": "socketio"}).status_code == 200
    assert ben.post("/addchat/api/settings", json={"notification_type": "internal"}).status_code == 403


def test_host_config_module_of_the_same_name_does_not_hide_the_defaults(monkeypatch, tmp_path):
    host_config = types.ModuleType("config")
    host_config.Config = type("Config", (), {"SITE_NAME": "host"})
    monkeypatch.setitem(sys.modules, "config", host_config)
    app = Flask("host_with_config")
    app.config.update(SECRET_KEY="x", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'h.db'}")
    AddChat(app, user_model=Member, db=SQLAlchemy(model_class=HostBase))
    assert app.config["ADDCHAT_MAX_BODY_LENGTH"] == 5000
    assert app.config["PUSHER_APP_ID"]
