"""Protocol-7 behaviour over a plain WebSocket client, signed with the official pusher library."""

import asyncio
import base64
import json
import os
import re
import socket
import time

import aiohttp
import pytest

from addchat.transports.pusher.server import BackgroundServer

from .conftest import APP, RawClient, connect, data_of, pusher_lib, run

pytestmark = pytest.mark.timeout(30)


def test_connection_established_gives_socket_id_and_activity_timeout(server):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await RawClient.connect(session, server.port)
            data = data_of(await client.established())
            assert re.fullmatch(r"\d+\.\d+", data["socket_id"])
            assert isinstance(data["activity_timeout"], int) and data["activity_timeout"] > 0

    run(scenario())


@pytest.mark.parametrize(
    ("key", "query", "code"),
    [
        ("wrong-key", "protocol=7&client=raw&version=1", 4001),
        (APP.key, "protocol=2&client=raw&version=1", 4007),
        (APP.key, "protocol=abc", 4007),
        (APP.key, "client=raw&version=1", 4008),
    ],
)
def test_bad_handshake_gets_pusher_error_and_close_code(server, key, query, code):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await RawClient.connect(session, server.port, key=key, query=query)
            error = await client.receive()
            assert error["event"] == "pusher:error"
            assert error["data"]["code"] == code
            assert await client.receive() == ("closed", code)

    run(scenario())


def test_ping_gets_pong(server):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            await client.send("pusher:ping", {})
            assert (await client.next("pusher:pong"))["event"] == "pusher:pong"

    run(scenario())


def test_public_subscription_receives_library_trigger(server):
    lib = pusher_lib(server.port)

    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            ok = await client.subscribe("news")
            assert ok["event"] == "pusher_internal:subscription_succeeded"
            assert lib.trigger("news", "headline", {"title": "hello"}) == {}
            event = await client.next("headline")
            assert event["channel"] == "news"
            assert data_of(event) == {"title": "hello"}

    run(scenario())


def test_private_channel_needs_a_valid_signature(server):
    lib = pusher_lib(server.port)
    forger = pusher_lib(server.port, secret="not-the-secret")

    async def scenario():
        async with aiohttp.ClientSession() as session:
            good = await connect(session, server.port)
            bad = await connect(session, server.port)
            assert (await good.subscribe("private-room", lib))[
                "event"
            ] == "pusher_internal:subscription_succeeded"
            refused = await bad.subscribe("private-room", forger)
            assert refused["event"] == "pusher:subscription_error"
            assert refused["data"]["status"] == 401
            stolen = await bad.subscribe("private-room", None)
            assert stolen["event"] == "pusher:subscription_error"
            # the refused client is not subscribed: it sees the public marker but never the private event
            await bad.subscribe("marker")
            lib.trigger("private-room", "secret-event", {"n": 1})
            lib.trigger("marker", "done", {})
            await bad.next("done")
            assert bad.seen("secret-event") == []
            assert data_of(await good.next("secret-event")) == {"n": 1}

    run(scenario())


def test_presence_members_counted_once_per_user(server):
    lib = pusher_lib(server.port)
    channel = "presence-lobby"

    async def scenario():
        async with aiohttp.ClientSession() as session:
            alice = await connect(session, server.port)
            joined = data_of(await alice.subscribe(channel, lib, ("alice", {"name": "Alice"})))
            assert joined["presence"] == {
                "ids": ["alice"],
                "hash": {"alice": {"name": "Alice"}},
                "count": 1,
            }

            bob1 = await connect(session, server.port)
            state = data_of(await bob1.subscribe(channel, lib, ("bob", {"name": "Bob"})))["presence"]
            assert sorted(state["ids"]) == ["alice", "bob"] and state["count"] == 2
            added = data_of(await alice.next("pusher_internal:member_added"))
            assert added == {"user_id": "bob", "user_info": {"name": "Bob"}}

            bob2 = await connect(session, server.port)
            assert (
                data_of(await bob2.subscribe(channel, lib, ("bob", {"name": "Bob"})))["presence"]["count"]
                == 2
            )
            assert sorted(u["id"] for u in lib.users_info(channel)["users"]) == [
                "alice",
                "bob",
            ]

            await bob1.close()  # bob is still there through bob2: no member_removed yet
            lib.trigger(channel, "tick", {})
            await alice.next("tick")
            assert alice.seen("pusher_internal:member_added") == []
            assert alice.seen("pusher_internal:member_removed") == []

            await bob2.close()
            removed = data_of(await alice.next("pusher_internal:member_removed"))
            assert removed == {"user_id": "bob"}

    run(scenario())


def test_presence_needs_signed_channel_data(server):
    lib = pusher_lib(server.port)

    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            signed = lib.authenticate(
                channel="presence-x",
                socket_id=client.socket_id,
                custom_data={"user_id": "1", "user_info": {}},
            )
            tampered = signed["channel_data"].replace('"1"', '"2"')
            await client.send(
                "pusher:subscribe",
                {
                    "channel": "presence-x",
                    "auth": signed["auth"],
                    "channel_data": tampered,
                },
            )
            refused = await client.next("pusher:subscription_error")
            assert refused["channel"] == "presence-x" and refused["data"]["status"] == 401

    run(scenario())


def test_client_events_rules(server):
    lib = pusher_lib(server.port)

    async def scenario():
        async with aiohttp.ClientSession() as session:
            alice = await connect(session, server.port)
            bob = await connect(session, server.port)
            await alice.subscribe("news")
            await alice.send("client-hi", {"x": 1}, channel="news")
            error = await alice.next("pusher:error")
            assert error["data"]["code"] == 4009  # public channel

            await alice.send("client-hi", {"x": 1}, channel="private-chat")
            assert (await alice.next("pusher:error"))["data"]["code"] == 4009  # not subscribed

            await alice.subscribe("private-chat", lib)
            await bob.subscribe("private-chat", lib)
            await alice.send("client-hi", {"x": 1}, channel="private-chat")
            got = await bob.next("client-hi")
            assert data_of(got) == {"x": 1}
            await bob.send("client-back", {"y": 2}, channel="private-chat")
            await alice.next("client-back")
            assert alice.seen("client-hi") == []  # never echoed to the sender

            await alice.send("client-big", {"blob": "x" * 11000}, channel="private-chat")
            assert (await alice.next("pusher:error"))["data"]["code"] == 4301

    run(scenario())


def test_client_events_are_rate_limited(server):
    lib = pusher_lib(server.port)
    burst = 30

    async def scenario():
        async with aiohttp.ClientSession() as session:
            alice = await connect(session, server.port)
            bob = await connect(session, server.port)
            await alice.subscribe("private-fast", lib)
            await bob.subscribe("private-fast", lib)
            for n in range(burst):
                await alice.send("client-n", {"n": n}, channel="private-fast")
            await alice.send("pusher:ping", {})
            await alice.next("pusher:pong")
            rejected = [m for m in alice.seen("pusher:error") if m["data"]["code"] == 4301]
            assert rejected, "a burst of 30 client events must hit the 10/s limit"
            lib.trigger("private-fast", "end", {})
            await bob.next("end")
            assert len(bob.seen("client-n")) + len(rejected) == burst

    run(scenario())


def test_idle_client_is_pinged_and_dead_one_closed_with_4201():
    with BackgroundServer([APP], port=0, activity_timeout=1, pong_timeout=1) as server:
        lib = pusher_lib(server.port)

        async def scenario():
            async with aiohttp.ClientSession() as session:
                dead = await connect(session, server.port)
                alive = await connect(session, server.port)
                await dead.subscribe("presence-room", lib, ("dead", {}))
                await alive.subscribe("presence-room", lib, ("alive", {}))

                async def answer_pings():
                    pings = 0
                    while True:
                        message = await alive.receive()
                        assert not isinstance(message, tuple), "a client answering pings must stay open"
                        if message["event"] == "pusher:ping":
                            pings += 1
                            await alive.send("pusher:pong", {})
                        elif message["event"] == "pusher_internal:member_removed":
                            return pings, data_of(message)

                answering = asyncio.create_task(answer_pings())
                await dead.next("pusher:ping")
                while True:  # the dead client never answers: the server closes it with 4201
                    message = await dead.receive()
                    if isinstance(message, tuple):
                        break
                assert message == ("closed", 4201)
                pings, removed = await answering
                assert pings >= 1
                assert removed == {"user_id": "dead"}
                await alive.subscribe("after")
                lib.trigger("after", "still-here", {})
                await alive.next("still-here")

        run(scenario())


def test_unsubscribe_stops_events_and_removes_presence_member(server):
    lib = pusher_lib(server.port)

    async def scenario():
        async with aiohttp.ClientSession() as session:
            watcher = await connect(session, server.port)
            leaver = await connect(session, server.port)
            await watcher.subscribe("presence-desk", lib, ("watcher", {}))
            await leaver.subscribe("presence-desk", lib, ("leaver", {}))
            await watcher.next("pusher_internal:member_added")
            await leaver.subscribe("news")
            await leaver.subscribe("marker")
            await leaver.send("pusher:unsubscribe", {"channel": "news"})
            await leaver.send("pusher:unsubscribe", {"channel": "presence-desk"})
            removed = await watcher.next("pusher_internal:member_removed")
            assert data_of(removed) == {"user_id": "leaver"}
            lib.trigger(["news", "presence-desk"], "update", {})
            lib.trigger("marker", "done", {})
            await leaver.next("done")
            assert leaver.seen("update") == []
            await watcher.next("update")

    run(scenario())


def masked_text_frame(text):
    """A client-to-server WebSocket text frame (RFC 6455 requires clients to mask)."""
    payload = text.encode()
    mask = os.urandom(4)
    length = (
        bytes([0x80 | len(payload)])
        if len(payload) < 126
        else bytes([0x80 | 126]) + len(payload).to_bytes(2, "big")
    )
    return bytes([0x81]) + length + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_client_that_stops_reading_is_dropped(server):
    lib = pusher_lib(server.port)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(5)
    sock.connect(("127.0.0.1", server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /app/{APP.key}?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    assert sock.recv(1024).startswith(b"HTTP/1.1 101")
    sock.sendall(masked_text_frame(json.dumps({"event": "pusher:subscribe", "data": {"channel": "flood"}})))
    for _ in range(100):
        if lib.channel_info("flood")["occupied"]:
            break
        time.sleep(0.05)
    assert lib.channel_info("flood")["occupied"]
    try:
        for n in range(400):  # bounded: at most 4,000 events of 9 KB
            lib.trigger_batch([{"channel": "flood", "name": "big", "data": "x" * 9000} for _ in range(10)])
            if n % 10 == 9 and not lib.channel_info("flood")["occupied"]:
                break
        assert lib.channel_info("flood") == {"occupied": False}
    finally:
        sock.close()

    async def still_serving():
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            await client.subscribe("flood")
            lib.trigger("flood", "after", {})
            await client.next("after")

    run(still_serving())
