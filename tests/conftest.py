"""Fixtures: an app per test on each configured database, signed-in API clients, users."""

import os

import pytest

from addchat import create_app
from addchat.extensions import db
from addchat.models import ChatBase, User
from testkit import sign_in, throwaway_database

SERVER_URLS = {
    "postgres": os.environ.get("ADDCHAT_TEST_POSTGRES_URL"),
    "mysql": os.environ.get("ADDCHAT_TEST_MYSQL_URL"),
}
BACKENDS = ["sqlite"] + [name for name, url in SERVER_URLS.items() if url]


def pytest_configure(config):
    """Declare the markers this suite uses."""
    config.addinivalue_line("markers", "postgres: needs ADDCHAT_TEST_POSTGRES_URL")
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright")


@pytest.fixture(scope="session", params=BACKENDS)
def server_database(request):
    """Yield (backend, URL) of a database made for this test session (None for SQLite)."""
    if request.param == "sqlite":
        yield "sqlite", None
        return
    url, drop = throwaway_database(SERVER_URLS[request.param])
    yield request.param, url
    drop()


@pytest.fixture
def backend(server_database):
    """Name the database backend this test runs on."""
    return server_database[0]


def make_test_app(database_url, **overrides):
    """Build a testing app on a database, tables created."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    with app.app_context():
        ChatBase.metadata.drop_all(db.engine)
        ChatBase.metadata.create_all(db.engine)
    return app


@pytest.fixture
def app(server_database, tmp_path):
    """A testing app with empty tables on the backend under test."""
    backend_name, url = server_database
    url = url or f"sqlite:///{tmp_path / 'chat.db'}"
    app = make_test_app(url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def users(app):
    """Alice (admin), Bob and Carol, as (id, name) records."""
    with app.app_context():
        people = {}
        for name, admin in (("Alice", True), ("Bob", False), ("Carol", False)):
            user = User(name=name, email=f"{name.lower()}@example.com", is_admin=admin)
            user.set_password("pw")
            db.session.add(user)
            people[name.lower()] = user
        db.session.commit()
        return {key: user.id for key, user in people.items()}


class ApiClient:
    """A Flask test client signed in as one user, sending the CSRF token like the widget."""

    def __init__(self, app, user_id=None):
        self.client = app.test_client()
        self.user_id = user_id
        self.token = None
        if user_id is not None:
            sign_in(self.client, user_id)
            self.token = self.get("/addchat/api/config").get_json()["csrf_token"]

    def get(self, path, **kwargs):
        """GET a path."""
        return self.client.get(path, **kwargs)

    def post(self, path, json=None, **kwargs):
        """POST JSON with the CSRF header."""
        headers = {"X-CSRFToken": self.token} if self.token else {}
        headers.update(kwargs.pop("headers", {}))
        return self.client.post(path, json=json, headers=headers, **kwargs)

    def delete(self, path, **kwargs):
        """DELETE with the CSRF header."""
        return self.client.delete(path, headers={"X-CSRFToken": self.token or ""}, **kwargs)

    def send(self, to_id, body, **extra):
        """Send a message and return the response."""
        return self.post(f"/addchat/api/conversations/{to_id}/messages", json={"body": body, **extra})

    def poll(self, cursor=0):
        """Poll the feed and return the JSON."""
        response = self.get(f"/addchat/api/poll?cursor={cursor}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture
def api(app, users):
    """Make signed-in API clients: api("alice")."""

    def make(name=None):
        return ApiClient(app, users[name] if name else None)

    return make


def count_rows(app, model):
    """Count the rows of a table."""
    with app.app_context():
        return db.session.query(model).count()
