"""Browser fixtures: the real app on a live server, Debian's Chromium through Playwright.

Each test gets a fresh app (temp SQLite file, demo users seeded) served by werkzeug in a
background thread; pages are signed in by copying a Flask-Login session cookie into the
browser context (or through the demo /login form). Screenshots go to test-artifacts/.
"""

import logging
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from addchat import create_app
from addchat.extensions import db
from addchat.models import ChatBase, User
from testkit import api_credentials, sign_in

CHROMIUM = os.environ.get("ADDCHAT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_USERS = [
    ("alice", "Alice Martin"),
    ("bob", "Bob Chen"),
    ("carol", "Carol Diaz"),
    ("dave", "Dave Okafor"),
]
EXPECT_TIMEOUT_MS = 10_000
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def pytest_configure(config):
    """Declare this folder's marker."""
    config.addinivalue_line("markers", "app_config(**settings): override the live server's settings")


def pytest_collection_modifyitems(items):
    """Everything in tests/browser is a browser test (deselect with -m "not browser")."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def seed_demo_users(app):
    """Create the tables and the four demo people (password "demo"; alice is admin)."""
    with app.app_context():
        ChatBase.metadata.create_all(db.engine)
        for key, name in DEMO_USERS:
            user = User(name=name, email=f"{key}@example.com", is_admin=key == "alice")
            user.set_password("demo")
            db.session.add(user)
        db.session.commit()


class LiveServer:
    """The real app on 127.0.0.1:<free port>, with helpers to sign users in."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)
        with app.app_context():
            self.ids = {
                key: db.session.query(User.id).filter(User.email == f"{key}@example.com").scalar()
                for key, _ in DEMO_USERS
            }
        self.names = dict(DEMO_USERS)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def session_cookie(self, key):
        """A Flask session cookie value signing `key` in (what Flask-Login stores)."""
        return api_credentials(self.app, self.ids[key])[0]

    def api(self, key):
        """A signed-in test client for seeding data through the real API."""
        return SeedClient(self.app, self.ids[key])


class SeedClient:
    """Flask test client signed in as one user, sending the CSRF header like the widget."""

    def __init__(self, app, user_id):
        self.client = app.test_client()
        sign_in(self.client, user_id)
        self.token = self.client.get("/addchat/api/config").get_json()["csrf_token"]

    def post(self, path, payload):
        response = self.client.post(f"/addchat/api/{path}", json=payload, headers={"X-CSRFToken": self.token})
        assert response.status_code < 300, response.get_json()
        return response.get_json()

    def send(self, to_id, body):
        return self.post(f"conversations/{to_id}/messages", {"body": body})


@pytest.fixture
def live_server(tmp_path, request):
    """A fresh app with the four demo users, served for one test.

    @pytest.mark.app_config(KEY=value, ...) on a test overrides settings (e.g. a low send limit).
    """
    marker = request.node.get_closest_marker("app_config")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'chat.db'}",
            "ADDCHAT_POLL_INTERVAL_MS": 400,
            "ADDCHAT_POLL_RATE_LIMIT": "100000/minute",
            "ADDCHAT_SEND_RATE_LIMIT": "100000/minute",
            **(marker.kwargs if marker else {}),
        }
    )
    seed_demo_users(app)
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


# Module scope, not session: while sync Playwright runs, its event loop is the running loop on
# the main thread, and other suites' asyncio.run() would fail after ours.
@pytest.fixture(scope="module")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_instance):
    """Debian's Chromium. Missing: fail loudly in CI, skip on a developer machine."""
    try:
        if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
            raise FileNotFoundError(CHROMIUM)
        browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - any launch failure means the same thing here
        message = f"cannot launch Chromium at {CHROMIUM}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _expect_timeout():
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


class PageErrors:
    """Uncaught page errors, CSP violations and alert() dialogs seen during a test."""

    def __init__(self):
        self.errors = []
        self.allowed = []

    def allow(self, pattern):
        """Expect errors matching a regex (e.g. a CSP probe the test sets off on purpose)."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self):
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]

    def on_console(self, msg):
        if msg.type not in ("error", "warning"):
            return
        print(f"[browser {msg.type}] {msg.text}")  # shown with a failing test's output
        if msg.type != "error":
            return
        if re.search(r"Content.Security.Policy|Refused to", msg.text):
            self.errors.append(f"csp: {msg.text}")
        elif "[AddChat]" in msg.text:
            self.errors.append(f"widget: {msg.text}")

    def watch(self, page):
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self.on_console)

        def on_dialog(dialog):
            self.errors.append(f"dialog: {dialog.type} {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)


@pytest.fixture
def page_errors():
    """The errors seen by open_page's pages; tests may allow() expected ones."""
    return PageErrors()


@pytest.fixture
def open_page(browser, live_server, page_errors):
    """open_page("alice", viewport=..., color_scheme=...) -> a signed-in page at `path`.

    Each call makes its own browser context (its own cookies: a separate person).
    At teardown the test fails if any page had an uncaught error or CSP violation.
    """
    contexts = []
    errors = page_errors

    def make(user=None, path="/", viewport=None, color_scheme="light", wait_widget=True, **context_args):
        context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 800},
            color_scheme=color_scheme,
            **{"locale": "en-US", "timezone_id": "UTC", **context_args},
        )
        contexts.append(context)
        if user:
            context.add_cookies(
                [{"name": "session", "value": live_server.session_cookie(user), "url": live_server.url}]
            )
        page = context.new_page()
        errors.watch(page)
        if path is not None:
            page.goto(live_server.url + path)
            if wait_widget and user:
                from playwright.sync_api import expect

                expect(page.locator("addchat-widget .launcher")).to_be_visible()
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors.unexpected(), errors.unexpected()


@pytest.fixture
def shot(request):
    """shot(page, "name") saves test-artifacts/<name>.png (a full-viewport screenshot)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), animations="disabled", caret="hide")
        return path

    return take
