"""What an idle connection keeps: no outbox, no writer task, no HTTP parser; frames still flow in order.

bench/push.py measures the memory; these check the three things that keep it low, on a real server
and a real WebSocket client, and that they cost nothing in order or in slow-client handling.
"""

import asyncio
import time

import aiohttp
import pytest

from addchat.transports.pusher import protocol
from addchat.transports.pusher.server.connection import OUTBOX_LIMIT

from .conftest import APP, connect, data_of, pusher_lib, run

pytestmark = pytest.mark.timeout(60)


def only_connection(server):
    """The one Connection the server holds (read from the test thread; only attributes are read)."""
    deadline = time.monotonic() + 5
    while len(server.server.connections) != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    (conn,) = server.server.connections.values()
    return conn


async def settled(conn):
    """Wait until the connection's writer has drained its outbox and ended."""
    deadline = time.monotonic() + 5
    while (conn._writer is not None or conn._outbox is not None) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)


def test_an_idle_connection_holds_no_outbox_writer_or_http_parser(server):
    lib = pusher_lib(server.port)

    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            await client.subscribe("news")
            conn = only_connection(server)
            await settled(conn)
            assert conn._outbox is None and conn._writer is None
            # aiohttp drops its HTTP parser only when the connection is lost; we drop it on upgrade.
            handler = conn.ws._req.protocol
            assert handler._upgraded and handler._payload_parser is not None
            assert handler._parser is None

            # A burst through the same connection arrives whole and in order, then the outbox goes.
            for n in range(300):
                await client.send("pusher:ping", {"n": n})
            for _ in range(300):
                await client.next("pusher:pong")
            assert lib.trigger("news", "after-burst", {"n": 1}) == {}
            assert (await client.next("after-burst", "news"))["channel"] == "news"
            await settled(conn)
            assert conn._outbox is None and conn._writer is None

    run(scenario())


def test_frames_from_many_publishes_keep_their_order(server):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            await client.subscribe("news")
            conn = only_connection(server)
            hub = server.server.hub

            async def publish_all():
                for n in range(500):
                    await hub.publish(APP.id, "news", protocol.encode("numbered", {"n": n}, "news"))
                    if n % 7 == 0:
                        await asyncio.sleep(0)  # let the writer start and stop between publishes

            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(publish_all(), server._loop))
            seen = [data_of(await client.next("numbered"))["n"] for _ in range(500)]
            assert seen == list(range(500))
            await settled(conn)
            assert conn._outbox is None

    run(scenario())


def test_a_client_that_stops_reading_is_dropped_and_the_server_keeps_serving(server):
    """Its outbox fills while the socket is stuck; at OUTBOX_LIMIT frames it is aborted, not waited on."""
    lib = pusher_lib(server.port)
    big = "x" * 9000

    async def scenario():
        async with aiohttp.ClientSession() as session:
            stuck = await connect(session, server.port)
            await stuck.subscribe("stuck")
            conn = only_connection(server)

            async def flood():
                for n in range(OUTBOX_LIMIT * 20):
                    if conn.closed:
                        return n
                    await server.server.hub.publish(APP.id, "stuck", protocol.encode("big", big, "stuck"))
                    if n % 50 == 0:
                        await asyncio.sleep(0)
                return None

            sent = await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(flood(), server._loop))
            assert sent is not None and sent >= OUTBOX_LIMIT  # it took a full outbox to give up
            deadline = time.monotonic() + 10
            while server.server.connections and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert not server.server.connections
            assert conn._outbox is None

            fresh = await connect(session, server.port)
            await fresh.subscribe("news")
            assert lib.trigger("news", "still-here", {}) == {}
            assert (await fresh.next("still-here"))["channel"] == "news"

    run(scenario())
