"""Unmodified pusher-js and Laravel Echo (Node) against the built-in server."""

import asyncio
import pathlib

import pytest

from addchat.transports.pusher.server import BackgroundServer
from tests.nodeclient import NodeScript, ensure_node_clients

from .conftest import APP, REDIS_URL, clean_redis, needs_redis, pusher_lib, unique_prefix

pytestmark = pytest.mark.timeout(40)

JS = pathlib.Path(__file__).parent / "js"
ROOT = pathlib.Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module", autouse=True)
def node_modules():
    """Check Node and the pinned npm clients are installed."""
    ensure_node_clients()


def node_script(script, port, extra=None):
    """Start a Node client of the built-in server with its connection settings."""
    config = {"host": "127.0.0.1", "port": port, "key": APP.key, "secret": APP.secret, **(extra or {})}
    return NodeScript(JS / script, "PUSHER_TEST", config)


def check_pusherjs_clients(port, port2=None):
    lib = pusher_lib(port)
    node = node_script("pusherjs_clients.mjs", port, {"port2": port2} if port2 else None)
    try:
        assert "ready" in node.read()
        lib.trigger("private-chat", "server-news", {"headline": "from python"})
        lib.trigger("marker", "done", {})
        node.go_on()
        result = node.read()["result"]
        node.finish()
    finally:
        node.kill()
    assert result["aliceFirstCount"] == 1
    assert result["bobSees"] == {"count": 2, "me": "bob"}
    assert result["aliceSawAdded"] == "bob"
    assert result["malloryError"]["status"] == 401
    assert result["aliceNews"] == {"headline": "from python"}
    assert result["bobNews"] == {"headline": "from python"}
    assert result["malloryGotNews"] is False
    assert result["triggered"] is True
    assert result["bobHi"] == {"from": "alice"}
    assert result["aliceEcho"] is False
    assert result["wave"] == {"data": {"hand": "right"}, "userId": "bob"}
    assert result["aliceSawRemoved"] == "bob"
    assert result["aliceCountAfter"] == 1


def test_pusherjs_private_presence_and_client_events(server):
    check_pusherjs_clients(server.port)


@needs_redis
def test_pusherjs_clients_split_over_two_instances_sharing_redis():
    prefix = unique_prefix()
    one = BackgroundServer([APP], port=0, redis_url=REDIS_URL, redis_prefix=prefix)
    two = BackgroundServer([APP], port=0, redis_url=REDIS_URL, redis_prefix=prefix)
    try:
        with one, two:
            check_pusherjs_clients(one.port, two.port)
    finally:
        asyncio.run(clean_redis(prefix))


def test_laravel_echo_receives_events_presence_and_whispers(server):
    lib = pusher_lib(server.port)
    node = node_script("echo_client.mjs", server.port)
    try:
        assert node.read() == {"ready": True}
        lib.trigger("orders", "App\\Events\\OrderShipped", {"order": 7})
        lib.trigger("private-orders.1", "status-changed", {"status": "packed"})
        node.go_on()
        result = node.read()["result"]
        node.finish()
    finally:
        node.kill()
    assert result["shipped"] == {"order": 7}
    assert result["status"] == {"status": "packed"}
    assert result["annHere"] == ["ann"]
    assert result["joining"] == "ben"
    assert result["whisper"] == {"name": "ben"}
