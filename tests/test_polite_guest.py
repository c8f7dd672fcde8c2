"""A polite guest: AddChat protects its own endpoints and leaves the host's other routes as they were."""

import pytest
from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.exceptions import HTTPException

from addchat import AddChat
from addchat.models import ChatBase, Message
from testkit import sign_in
from tests.conftest import ApiClient


class GuestBase(DeclarativeBase):
    """The host's declarative base."""


class Person(UserMixin, GuestBase):
    """The host's user."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


def build_host(tmp_path, with_addchat, host_csrf=False, host_limits=False):
    """A host site with its own POST form and its own error page; AddChat mounted or not."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    host_db = SQLAlchemy(model_class=GuestBase)
    app = Flask("guest_host")
    app.config.update(SECRET_KEY="host", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'h.db'}")
    host_db.init_app(app)
    LoginManager(app).user_loader(lambda user_id: host_db.session.get(Person, int(user_id)))
    if host_csrf:
        CSRFProtect(app)

    @app.post("/feedback")
    def feedback():
        """The host's own form, posted without any Flask-WTF token."""
        return f"thanks, {request.form.get('text', '')}"

    @app.errorhandler(HTTPException)
    def host_error_page(error):
        """The host's own error page."""
        return f"<h1>host error {error.code}</h1>", error.code

    if with_addchat:
        AddChat(app, user_model=Person, db=host_db)
    if host_limits:
        # The host's own limiter, bound after AddChat: it must find the app config as the host left it.
        Limiter(get_remote_address, app=app, default_limits=["100/minute"], storage_uri="memory://")
    with app.app_context():
        GuestBase.metadata.create_all(host_db.engine)
        if with_addchat:
            tables = [t for name, t in ChatBase.metadata.tables.items() if name.startswith("addchat_")]
            ChatBase.metadata.create_all(host_db.engine, tables=tables)
        host_db.session.add_all([Person(id=1, name="Ann"), Person(id=2, name="Ben")])
        host_db.session.commit()
    app.host_db = host_db
    return app


def message_count(app):
    """Count stored chat messages."""
    with app.app_context():
        return app.host_db.session.execute(select(func.count()).select_from(Message)).scalar()


@pytest.mark.parametrize("host_limits", [False, True], ids=["host-without-limiter", "host-with-limiter"])
def test_the_hosts_own_form_answers_exactly_as_without_addchat(tmp_path, host_limits):
    bare = build_host(tmp_path / "a", with_addchat=False, host_limits=host_limits)
    hosted = build_host(tmp_path / "b", with_addchat=True, host_limits=host_limits)
    for app in (bare, hosted):
        client = app.test_client()
        sign_in(client, 1)  # a signed-in member posting the host's form
        answers = [client.post("/feedback", data={"text": "hi"}), client.get("/nowhere")]
        app.answers = [(r.status_code, r.get_data(as_text=True), sorted(r.headers.keys())) for r in answers]
    assert hosted.answers == bare.answers
    assert hosted.answers[0][:2] == (200, "thanks, hi")
    # The host's own error page off AddChat's paths; AddChat's JSON shape on its own.
    assert hosted.answers[1][:2] == (404, "<h1>host error 404</h1>")
    assert hosted.test_client().get("/addchat/api/nowhere").get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("host_csrf", [False, True], ids=["host-without-csrf", "host-with-csrfprotect"])
def test_addchat_checks_its_own_csrf_tokens_and_writes_nothing_without_one(tmp_path, host_csrf):
    app = build_host(tmp_path, with_addchat=True, host_csrf=host_csrf)
    ann = ApiClient(app, 1)
    path = "/addchat/api/conversations/2/messages"
    missing = ann.client.post(path, json={"body": "no token"})
    assert missing.status_code == 400
    assert missing.get_json()["error"]["code"] == "csrf_failed"
    wrong = ann.client.post(path, json={"body": "bad token"}, headers={"X-CSRFToken": "forged"})
    assert wrong.status_code == 400
    assert message_count(app) == 0
    # Anonymous writers learn they must sign in (401), not that a token is missing.
    assert app.test_client().post(path, json={"body": "x"}).status_code == 401
    assert ann.send(2, "with the widget's token").status_code == 201
    assert message_count(app) == 1
    # A host that chose app-wide CSRFProtect keeps it for its own form.
    form = ApiClient(app, 2).client.post("/feedback", data={"text": "hi"})
    assert form.status_code == (400 if host_csrf else 200)
