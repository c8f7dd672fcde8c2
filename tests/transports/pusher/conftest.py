"""Pusher mode against the built-in Pusher-protocol server: the app, raw and Node clients.

Every test here talks to a real server (addchat.transports.pusher.server on a free port); the `app`
fixture is overridden so the pusher transport triggers into it and pusher mode is live.
"""

import asyncio
import concurrent.futures
import logging
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from addchat.extensions import db
from addchat.transports.pusher.server import App, BackgroundServer
from testkit import api_credentials
from tests.conftest import make_test_app
from tests.nodeclient import NodeScript, ensure_node_clients

PUSHER_APP = App("7001", "pm-key", "pm-secret")
ROOT = Path(__file__).resolve().parents[3]
JS = Path(__file__).parent / "js"
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def run(coro, timeout=20):
    """Run an async scenario on its own loop in a worker thread, with a hard bound.

    Not asyncio.run() here: Playwright's sync API (the browser tests, same session) keeps an
    event loop running in the main thread, and asyncio.run() refuses to start inside one.
    """
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coro, timeout)).result()


def pusher_settings(port):
    """The app settings that point the pusher transport at a local server."""
    return {
        "PUSHER_APP_ID": PUSHER_APP.id,
        "PUSHER_KEY": PUSHER_APP.key,
        "PUSHER_SECRET": PUSHER_APP.secret,
        "PUSHER_HOST": "127.0.0.1",
        "PUSHER_PORT": port,
        "PUSHER_SSL": False,
        "PUSHER_TIMEOUT": 2,
        "ADDCHAT_DEFAULT_NOTIFICATION_TYPE": "pusher",
        "ADDCHAT_SEND_RATE_LIMIT": "10000/minute",
        "ADDCHAT_POLL_RATE_LIMIT": "10000/minute",
    }


@pytest.fixture
def pusher_server():
    """The built-in Pusher-protocol server on a free port, for one test."""
    with BackgroundServer([PUSHER_APP], port=0) as background:
        yield background


@pytest.fixture
def app(server_database, tmp_path, pusher_server):
    """A testing app in pusher mode, triggering into the built-in server."""
    backend_name, url = server_database
    url = url or f"sqlite:///{tmp_path / 'chat.db'}"
    app = make_test_app(url, **pusher_settings(pusher_server.port))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class LiveApp:
    """The app served by werkzeug on a free port, so Node clients can call the auth endpoint."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-app", daemon=True)

    def credentials(self, user_id):
        """A session cookie and CSRF token signing this user in, as a browser would hold them."""
        cookie, token = api_credentials(self.app, user_id)
        name = self.app.config.get("SESSION_COOKIE_NAME", "session")
        return {"cookie": f"{name}={cookie}", "csrf": token, "id": user_id}


@pytest.fixture
def live_app(app):
    """Serve the app on 127.0.0.1 for one test."""
    live = LiveApp(app)
    live.thread.start()
    yield live
    live.server.shutdown()
    live.thread.join(timeout=10)


@pytest.fixture(scope="session")
def node():
    """Check Node and the pinned npm clients are installed (npm ci when they are not)."""
    return ensure_node_clients()


@pytest.fixture
def node_client(node):
    """Start Node scripts from tests/transports/pusher/js; all are killed at the end of the test."""
    started = []

    def start(script, config):
        client = NodeScript(JS / script, "ADDCHAT_TEST", config)
        started.append(client)
        return client

    yield start
    for client in started:
        client.kill()
