"""Fixtures: real servers (`python serve.py`) in both async modes, signed-in socket clients."""

import os
import uuid

import pytest
import redis

from tests.transports.socketio.servers import ChatDatabase, ChatSocket, ServerProcess

MODES = ["eventlet", "gevent"]
REDIS_URL = os.environ.get("ADDCHAT_TEST_REDIS_URL")


@pytest.fixture(scope="module")
def chat_db(tmp_path_factory):
    """A database file shared by the module's server processes."""
    path = tmp_path_factory.mktemp("realtime") / "chat.db"
    database = ChatDatabase(f"sqlite:///{path}")
    yield database
    database.close()


@pytest.fixture(scope="module", params=MODES)
def server(request, chat_db, tmp_path_factory):
    """One real server process per async mode, shared by the module's tests."""
    process = ServerProcess(chat_db.url, request.param, tmp_path_factory.mktemp("logs")).start()
    yield process
    process.stop()


@pytest.fixture
def channel():
    """A Redis channel and key prefix of this test's own, so parallel runs never meet."""
    return f"addchat-test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def redis_url():
    """The real Redis (ADDCHAT_TEST_REDIS_URL), or skip."""
    if not REDIS_URL:
        pytest.skip("needs ADDCHAT_TEST_REDIS_URL")
    return REDIS_URL


@pytest.fixture
def tab(chat_db):
    """tab("alice", server) -> a connected ChatSocket; all closed at teardown."""
    opened = []

    def make(key, on, connect=True, reconnect=True):
        cookie, token = chat_db.credentials(key)
        sock = ChatSocket(on.url, cookie, token, reconnect=reconnect)
        opened.append(sock)
        return sock.connect() if connect else sock

    yield make
    for sock in opened:
        sock.close()


@pytest.fixture
def processes(chat_db, tmp_path, channel):
    """processes(mode, count, queue=None, **env) -> started servers; stopped (and Redis cleaned) at teardown."""
    started = []

    def start(mode, count=1, queue=None, **env):
        group = []
        for _ in range(count):
            server = ServerProcess(chat_db.url, mode, tmp_path, queue=queue, channel=channel)
            server.env.update(env)
            started.append(server)
            group.append(server.start())
        return group

    yield start
    for server in started:
        server.stop()
    if REDIS_URL:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{channel}:*"))
        if keys:
            client.delete(*keys)
