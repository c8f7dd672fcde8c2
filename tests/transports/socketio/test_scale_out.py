"""Two real server processes behind one Redis behave as one; outside processes emit too."""

import os
import subprocess
import sys

import pytest
import redis

from testkit import throwaway_database
from tests.conftest import SERVER_URLS
from tests.transports.socketio.conftest import MODES
from tests.transports.socketio.servers import ROOT, SECRET, ChatDatabase, ServerProcess

BACKENDS = ["sqlite"] + (["postgres"] if SERVER_URLS["postgres"] else [])


@pytest.fixture(scope="module", params=BACKENDS)
def chat_db(request, tmp_path_factory):
    """The database both processes share: a SQLite file, and PostgreSQL when its URL is set."""
    drop = None
    if request.param == "postgres":
        url, drop = throwaway_database(SERVER_URLS["postgres"])
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('scale') / 'chat.db'}"
    database = ChatDatabase(url)
    yield database
    database.close()
    if drop:
        drop()


@pytest.fixture
def pair(request, chat_db, redis_url, channel, tmp_path):
    """Two server processes in one async mode sharing the database and Redis."""
    servers = [
        ServerProcess(chat_db.url, request.param, tmp_path, queue=redis_url, channel=channel) for _ in "ab"
    ]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{channel}:*"))
    if keys:
        client.delete(*keys)


@pytest.mark.parametrize("pair", MODES, indirect=True)
def test_two_processes_share_rooms_typing_and_presence(pair, tab, chat_db, redis_url, channel):
    a, b = pair
    ids = chat_db.ids
    alice = tab("alice", a)
    assert alice.call("presence:watch", {"ids": [ids["bob"]]}) == {"ok": True, "online": []}

    bob_on_b = tab("bob", b)
    alice.wait_event("presence", user_id=ids["bob"], online=True)
    # Presence lives in Redis, not in one process's memory.
    assert redis.Redis.from_url(redis_url).zcard(f"{channel}:presence:{ids['bob']}") == 1

    sent = alice.http.send(ids["bob"], "across processes")
    bob_on_b.wait_bodies("across processes")
    bob_on_b.http.seen(ids["alice"], sent["id"])
    alice.wait(lambda: any(c["type"] == "seen" for c in alice.changes), "seen across processes")

    assert bob_on_b.call("typing", {"to": ids["alice"], "typing": True}) == {"ok": True}
    alice.wait_event("typing", user_id=ids["bob"], typing=True)
    # The typing throttle is shared too: a start through the other process inside the window is dropped.
    bob_on_a = tab("bob", a)
    bob_on_a.call("typing", {"to": ids["alice"], "typing": True})
    bob_on_a.call("typing", {"to": ids["alice"], "typing": False})
    alice.wait_event("typing", user_id=ids["bob"], typing=False)
    assert [d["typing"] for n, d in alice.events if n == "typing"] == [True, False]

    # Online while any connection is open in either process; offline after the last one.
    bob_on_b.close()
    bob_on_a.call("presence:watch", {"ids": []})  # a round trip after B handled the disconnect
    assert alice.call("presence:watch", {"ids": [ids["bob"]]})["online"] == [ids["bob"]]
    bob_on_a.close()
    alice.wait_event("presence", user_id=ids["bob"], online=False)
    assert [d["online"] for n, d in alice.events if n == "presence"] == [True, False]


@pytest.mark.parametrize("pair", MODES[:1], indirect=True)
def test_cli_send_from_outside_reaches_sockets_through_the_queue(pair, tab, chat_db, redis_url, channel):
    a, b = pair
    ids = chat_db.ids
    bob_on_a, bob_on_b = tab("bob", a), tab("bob", b)
    env = {
        **os.environ,
        "DATABASE_URL": chat_db.url,
        "SECRET_KEY": SECRET,
        "ADDCHAT_NOTIFICATION_TYPE": "socketio",
        "SOCKETIO_MESSAGE_QUEUE": redis_url,
        "SOCKETIO_CHANNEL": channel,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "addchat",
            "send",
            str(ids["carol"]),
            str(ids["bob"]),
            "from a worker",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "published via socketio" in result.stdout
    assert "Eventlet" not in result.stderr  # the CLI runs threading mode: eventlet is never imported
    bob_on_a.wait_bodies("from a worker")
    bob_on_b.wait_bodies("from a worker")
