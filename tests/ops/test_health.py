"""healthz (the process) and readyz (each dependency by name; 503 when a required one is down)."""

import socket

from addchat import create_app
from addchat.extensions import db
from addchat.services.settings import update_settings
from testkit import free_port, record_statements
from tests.conftest import make_test_app


def test_healthz_answers_without_the_database(app):
    with app.app_context():
        engine = db.engine
    statements, response = record_statements(engine, lambda: app.test_client().get("/addchat/healthz"))
    assert response.status_code == 200
    assert response.get_json() == {"ok": True}
    assert statements == []


def test_readyz_names_the_database_and_is_ready(app):
    response = app.test_client().get("/addchat/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    assert body["checks"]["database"] == {"ok": True, "required": True}
    assert body["notification_type"] == "internal"


def test_readyz_reports_a_down_pusher_server_and_fails_only_while_pusher_is_live(tmp_path):
    closed = free_port()  # nothing listens there
    app = make_test_app(f"sqlite:///{tmp_path / 'r.db'}", PUSHER_HOST="127.0.0.1", PUSHER_PORT=closed)
    client = app.test_client()
    body = client.get("/addchat/readyz").get_json()
    assert body["ok"] is True  # internal mode does not need it
    assert body["checks"]["pusher_server"]["ok"] is False
    assert body["checks"]["pusher_server"]["required"] is False
    with app.app_context():
        update_settings(db.session, {"notification_type": "pusher"}, app.config, lambda name: None)
    response = client.get("/addchat/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["pusher_server"] == {
        **response.get_json()["checks"]["pusher_server"],
        "ok": False,
        "required": True,
    }
    with socket.socket() as listener:  # the server comes back: ready again
        listener.bind(("127.0.0.1", closed))
        listener.listen()
        assert client.get("/addchat/readyz").status_code == 200


def test_readyz_requires_the_message_queue_only_in_socketio_mode(tmp_path):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    app = make_test_app(f"sqlite:///{tmp_path / 'r.db'}", SOCKETIO_MESSAGE_QUEUE=dead_redis)
    client = app.test_client()
    body = client.get("/addchat/readyz").get_json()
    assert body["checks"]["redis"]["ok"] is False and body["checks"]["redis"]["required"] is False
    assert client.get("/addchat/readyz").status_code == 200
    with app.app_context():
        update_settings(db.session, {"notification_type": "socketio"}, app.config, lambda name: None)
    response = client.get("/addchat/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"]["required"] is True


def test_readyz_answers_503_naming_the_database_when_it_is_down():
    app = make_unreachable_database_app()
    response = app.test_client().get("/addchat/readyz")
    assert response.status_code == 503
    database = response.get_json()["checks"]["database"]
    assert (
        database["ok"] is False and database["required"] is True and "OperationalError" in database["error"]
    )


def make_unreachable_database_app():
    """An app whose PostgreSQL URL points at a port nobody listens on."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none?connect_timeout=2"
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
