"""The admin panel: trade-offs, modes refused while their server is missing, run-time settings."""

import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests
from werkzeug.serving import make_server as werkzeug_server

from addchat.extensions import db
from addchat.models import Change, Setting, User
from addchat.transports.pusher.server import App, BackgroundServer
from testkit import api_credentials, free_port
from tests.conftest import ApiClient, count_rows, make_test_app

PUSHER_APP = App("7002", "admin-key", "admin-secret")


def admin_client(app):
    """Create an admin on the app's database and return an API client signed in as them."""
    with app.app_context():
        admin = User(name="Ann", email="ann@example.com", password_hash="x", is_admin=True)
        db.session.add(admin)
        db.session.commit()
        admin_id = admin.id
    return ApiClient(app, admin_id)


def pusher_config(port):
    """Point the pusher transport at 127.0.0.1:port (a server may or may not listen there)."""
    return {
        "PUSHER_APP_ID": PUSHER_APP.id,
        "PUSHER_KEY": PUSHER_APP.key,
        "PUSHER_SECRET": PUSHER_APP.secret,
        "PUSHER_HOST": "127.0.0.1",
        "PUSHER_PORT": port,
        "PUSHER_SSL": False,
        "PUSHER_TIMEOUT": 1,
        "ADDCHAT_PUSHER_PROBE_TIMEOUT": 1,
    }


@pytest.fixture
def closed_port():
    """A port nothing listens on (so the Pusher server is 'unreachable')."""
    return free_port()


@pytest.fixture
def app(tmp_path, closed_port):
    """The testing app with its pusher transport pointed at a port nothing listens on."""
    return make_test_app(f"sqlite:///{tmp_path / 'chat.db'}", **pusher_config(closed_port))


def test_page_explains_each_mode_and_why_pusher_cannot_be_chosen(api):
    html = api("alice").get("/addchat/admin/").get_data(as_text=True)
    for words in ("within one poll interval", "one open connection per widget", "about 15 KiB each"):
        assert words in html
    assert 'data-unavailable="pusher"' in html
    assert "does not answer" in html
    # The pusher button is disabled; internal (live) and socketio (test client: not judged) are not.
    assert html.count(" disabled>") == 1
    assert 'data-value="pusher" aria-checked="false" aria-describedby="summary-pusher" disabled' in html


def test_switch_to_an_unreachable_pusher_server_is_refused_409_and_writes_nothing(app, api):
    alice = api("alice")
    before = count_rows(app, Change)
    response = alice.post("/addchat/api/settings", json={"notification_type": "pusher"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "transport_unavailable"
    assert "does not answer" in error["message"]
    assert count_rows(app, Change) == before and count_rows(app, Setting) == 0
    assert alice.get("/addchat/api/settings").get_json()["unavailable"]["pusher"] == error["message"]


def test_missing_pusher_credentials_are_named(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'c.db'}", PUSHER_SECRET="", PUSHER_KEY="")
    response = admin_client(app).post("/addchat/api/settings", json={"notification_type": "pusher"})
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        "Pusher credentials are missing: set PUSHER_KEY, PUSHER_SECRET."
    )


def test_switch_to_a_running_pusher_server_is_accepted(tmp_path):
    with BackgroundServer([PUSHER_APP], port=0) as server:
        app = make_test_app(f"sqlite:///{tmp_path / 'p.db'}", **pusher_config(server.port))
        ann = admin_client(app)
        assert ann.get("/addchat/api/settings").get_json()["unavailable"] == {}
        assert ann.post("/addchat/api/settings", json={"notification_type": "pusher"}).status_code == 200
        stats = ann.get("/addchat/admin/stats").get_json()
        assert stats["notification_type"] == "pusher"
        assert stats["transports"]["pusher"] == {
            "connections": None,
            "online_users": 0,
            "scope": f"127.0.0.1:{server.port}",
        }


class QuietHandler(WSGIRequestHandler):
    """wsgiref's handler without a log line per request."""

    def log_message(self, *args):
        pass


def serve(server):
    """Serve in a daemon thread; return the base URL."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def test_socketio_is_refused_under_a_server_that_cannot_hold_websockets(app, users):
    # wsgiref hands the app no socket, and this process runs Flask-SocketIO in threading mode.
    server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
    url = serve(server)
    try:
        cookie, token = api_credentials(app, users["alice"])
        http = requests.Session()
        http.cookies.set("session", cookie)
        http.headers["X-CSRFToken"] = token
        reason = http.get(url + "/addchat/api/settings", timeout=10).json()["unavailable"]["socketio"]
        assert "cannot serve WebSockets" in reason and "serve.py" in reason
        refused = http.post(url + "/addchat/api/settings", json={"notification_type": "socketio"}, timeout=10)
        assert refused.status_code == 409
        assert refused.json()["error"] == {"code": "transport_unavailable", "message": reason}
    finally:
        server.shutdown()
        server.server_close()
    # Werkzeug's server hands it the socket (simple-websocket serves WebSockets in threading mode).
    server = werkzeug_server("127.0.0.1", 0, app, threaded=True)
    url = serve(server)
    try:
        http.cookies.clear()
        http.cookies.set("session", cookie)
        assert "socketio" not in http.get(url + "/addchat/api/settings", timeout=10).json()["unavailable"]
        accepted = http.post(
            url + "/addchat/api/settings", json={"notification_type": "socketio"}, timeout=10
        )
        assert accepted.status_code == 200, accepted.text
    finally:
        server.shutdown()
