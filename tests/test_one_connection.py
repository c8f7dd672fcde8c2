"""No request holds two pool connections, whatever its cookie; the health check holds none."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from flask_login.utils import encode_cookie
from sqlalchemy import event

from addchat.extensions import db
from testkit import record_statements
from tests.transports.socketio.servers import ChatDatabase, ServerProcess

CONCURRENT_POLLS = 100


def pre_addchat_cookie(app, user_id):
    """A session cookie signed in before AddChat was installed: `_user_id`, no `_addchat_session`."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": str(user_id), "_fresh": True})


def checkouts_and_statements(app, action):
    """Run action() and return (pool checkouts, SQL statements, result)."""
    with app.app_context():
        engine = db.engine
    checkouts = []

    def count(dbapi_connection, record, proxy):
        checkouts.append(record)

    event.listen(engine, "checkout", count)
    try:
        statements, result = record_statements(engine, action)
    finally:
        event.remove(engine, "checkout", count)
    return len(checkouts), statements, result


@pytest.fixture
def warm(app, api, users):
    """Bob has a change; the engine has connected once (dialect set-up is not a request's doing)."""
    api("alice").send(users["bob"], "hi")
    api("bob").poll()
    return users["bob"]


def test_health_touches_no_database_with_a_pre_addchat_cookie(app, warm):
    client = app.test_client()
    client.set_cookie("session", pre_addchat_cookie(app, warm))
    checkouts, statements, response = checkouts_and_statements(app, lambda: client.get("/addchat/health"))
    assert response.status_code == 200
    assert (checkouts, statements) == (0, [])


def test_poll_with_a_pre_addchat_cookie_is_one_select_on_one_connection(app, warm):
    client = app.test_client()
    client.set_cookie("session", pre_addchat_cookie(app, warm))
    checkouts, statements, response = checkouts_and_statements(
        app, lambda: client.get("/addchat/api/poll?cursor=0")
    )
    assert response.status_code == 200
    assert [c["data"]["body"] for c in response.get_json()["changes"]] == ["hi"]
    assert checkouts == 1
    assert len(statements) == 1 and "FROM addchat_changes" in statements[0]


def test_poll_with_a_remember_me_cookie_only_uses_one_connection(app, warm):
    client = app.test_client()
    with app.app_context():
        client.set_cookie("remember_token", encode_cookie(str(warm)))
    checkouts, statements, response = checkouts_and_statements(
        app, lambda: client.get("/addchat/api/poll?cursor=0")
    )
    assert response.status_code == 200
    assert len(response.get_json()["changes"]) == 1
    # Flask-Login loads the user from the remember cookie; the poll reads on that same connection.
    assert checkouts == 1
    assert len(statements) == 2


@pytest.fixture(scope="module")
def poll_server(request, tmp_path_factory):
    """A real gevent server (serve.py, default 5+10 pool) and a user with one change to read."""
    database = ChatDatabase(f"sqlite:///{tmp_path_factory.mktemp('pool') / 'chat.db'}")
    process = ServerProcess(database.url, "gevent", tmp_path_factory.mktemp("logs"), kind="internal")
    process.start()
    yield database, process
    process.stop()
    database.close()


def test_a_hundred_concurrent_polls_with_pre_addchat_cookies_all_answer(poll_server):
    database, process = poll_server
    cookie = pre_addchat_cookie(database.app, database.ids["bob"])
    start = threading.Barrier(CONCURRENT_POLLS)

    def poll(_):
        start.wait()
        response = requests.get(
            f"{process.url}/addchat/api/poll?cursor=0", headers={"Cookie": f"session={cookie}"}, timeout=60
        )
        return response.status_code

    with ThreadPoolExecutor(CONCURRENT_POLLS) as pool:
        codes = list(pool.map(poll, range(CONCURRENT_POLLS)))
    assert codes == [200] * CONCURRENT_POLLS, process.log()[-2000:]
