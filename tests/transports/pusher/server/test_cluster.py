"""Several server instances sharing channels and presence through a real Redis."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import aiohttp
import pytest

from addchat.transports.pusher.server import BackgroundServer
from testkit import free_port

from .conftest import (
    APP,
    REDIS_URL,
    clean_redis,
    connect,
    data_of,
    needs_redis,
    pusher_lib,
    run,
    unique_prefix,
)

pytestmark = [needs_redis, pytest.mark.timeout(40)]


@pytest.fixture
def prefix():
    name = unique_prefix()
    yield name
    asyncio.run(clean_redis(name))


@pytest.fixture
def pair(prefix):
    one = BackgroundServer([APP], port=0, redis_url=REDIS_URL, redis_prefix=prefix, heartbeat=1.0)
    two = BackgroundServer([APP], port=0, redis_url=REDIS_URL, redis_prefix=prefix, heartbeat=1.0)
    with one, two:
        yield one, two


def test_events_and_client_events_cross_instances(pair):
    one, two = pair
    lib_two = pusher_lib(two.port)

    async def scenario():
        async with aiohttp.ClientSession() as session:
            alice = await connect(session, one.port)
            bob = await connect(session, two.port)
            for client in (alice, bob):
                await client.subscribe("news")
                await client.subscribe("private-x", lib_two)
            lib_two.trigger("news", "flash", {"n": 1})
            assert data_of(await alice.next("flash")) == {"n": 1}

            await alice.send("client-ping", {"from": "alice"}, channel="private-x")
            assert data_of(await bob.next("client-ping")) == {"from": "alice"}
            await bob.send("client-pong", {"from": "bob"}, channel="private-x")
            await alice.next("client-pong")
            assert alice.seen("client-ping") == []

            lib_two.trigger("news", "not-for-alice", {}, socket_id=alice.socket_id)
            lib_two.trigger("news", "for-all", {})
            await alice.next("for-all")
            assert alice.seen("not-for-alice") == []
            await bob.next("not-for-alice")

    run(scenario())


def test_presence_join_and_leave_across_instances(pair):
    one, two = pair
    lib_one, lib_two = pusher_lib(one.port), pusher_lib(two.port)
    channel = "presence-shared"

    async def scenario():
        async with aiohttp.ClientSession() as session:
            alice = await connect(session, one.port)
            await alice.subscribe(channel, lib_one, ("alice", {"name": "A"}))
            bob_on_two = await connect(session, two.port)
            state = data_of(await bob_on_two.subscribe(channel, lib_two, ("bob", {"name": "B"})))
            assert state["presence"]["count"] == 2
            assert state["presence"]["hash"] == {
                "alice": {"name": "A"},
                "bob": {"name": "B"},
            }
            added = data_of(await alice.next("pusher_internal:member_added"))
            assert added == {"user_id": "bob", "user_info": {"name": "B"}}

            bob_on_one = await connect(session, one.port)
            await bob_on_one.subscribe(channel, lib_one, ("bob", {"name": "B"}))
            for lib in (lib_one, lib_two):
                assert sorted(u["id"] for u in lib.users_info(channel)["users"]) == [
                    "alice",
                    "bob",
                ]
            counts = lib_one.channels_info(prefix_filter="presence-", attributes=["user_count"])
            assert counts == {"channels": {channel: {"user_count": 2}}}
            info = lib_two.channel_info(channel, ["subscription_count"])
            assert info["subscription_count"] == 3

            await bob_on_two.close()
            lib_one.trigger(channel, "tick", {})
            await alice.next("tick")
            assert alice.seen("pusher_internal:member_added") == []
            assert alice.seen("pusher_internal:member_removed") == []

            await bob_on_one.close()
            removed = data_of(await alice.next("pusher_internal:member_removed"))
            assert removed == {"user_id": "bob"}
            assert [u["id"] for u in lib_two.users_info(channel)["users"]] == ["alice"]

    run(scenario())


def start_instance(port, prefix):
    args = [
        sys.executable,
        "-m",
        "addchat.transports.pusher.server",
        "--app-id",
        APP.id,
        "--key",
        APP.key,
    ]
    args += ["--secret", APP.secret, "--port", str(port), "--redis-url", REDIS_URL]
    args += ["--redis-prefix", prefix, "--heartbeat", "0.3"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stderr.read().decode())
            time.sleep(0.1)
    proc.kill()
    pytest.fail("instance did not start")


def test_members_of_a_killed_instance_expire(prefix):
    port = free_port()
    doomed = start_instance(port, prefix)
    try:
        with BackgroundServer(
            [APP], port=0, redis_url=REDIS_URL, redis_prefix=prefix, heartbeat=0.3
        ) as alive:
            lib = pusher_lib(alive.port)

            async def scenario():
                async with aiohttp.ClientSession() as session:
                    alice = await connect(session, alive.port)
                    await alice.subscribe("presence-lobby", lib, ("alice", {}))
                    bob = await connect(session, port)
                    await bob.subscribe("presence-lobby", lib, ("bob", {}))
                    assert data_of(await alice.next("pusher_internal:member_added"))["user_id"] == "bob"
                    doomed.send_signal(signal.SIGKILL)
                    doomed.wait(timeout=5)
                    removed = await alice.next("pusher_internal:member_removed", timeout=15)
                    assert data_of(removed) == {"user_id": "bob"}
                    assert [u["id"] for u in lib.users_info("presence-lobby")["users"]] == ["alice"]
                    assert (
                        lib.channel_info("presence-lobby", ["subscription_count"])["subscription_count"] == 1
                    )

            run(scenario(), timeout=30)
    finally:
        if doomed.poll() is None:
            doomed.kill()
            doomed.wait()


def test_burst_of_subscriptions_on_a_redis_instance(pair):
    one, _ = pair
    lib = pusher_lib(one.port)
    public, present = 200, 100

    async def scenario():
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            clients = await asyncio.gather(*(connect(session, one.port) for _ in range(public + present)))
            replies = await asyncio.gather(
                *(c.subscribe("crowd") for c in clients[:public]),
                *(c.subscribe("presence-crowd", lib, (f"u{i}", {})) for i, c in enumerate(clients[public:])),
            )
            assert {r["event"] for r in replies} == {"pusher_internal:subscription_succeeded"}
            assert lib.channel_info("crowd", ["subscription_count"])["subscription_count"] == public
            assert len(lib.users_info("presence-crowd")["users"]) == present
            await asyncio.gather(*(c.close() for c in clients))

    run(scenario())
    for _ in range(100):  # closing is asynchronous on the server: wait (bounded) for the counts to drop
        if lib.channels_info() == {"channels": {}}:
            break
        time.sleep(0.05)
    assert lib.channels_info() == {"channels": {}}


def test_stalled_instance_that_was_reaped_restores_its_members(prefix):
    one = BackgroundServer([APP], port=0, redis_url=REDIS_URL, redis_prefix=prefix, heartbeat=0.3)
    two = BackgroundServer([APP], port=0, redis_url=REDIS_URL, redis_prefix=prefix, heartbeat=0.3)
    with one, two:
        lib = pusher_lib(two.port)

        async def scenario():
            async with aiohttp.ClientSession() as session:
                alice = await connect(session, one.port)
                bob = await connect(session, two.port)
                await alice.subscribe("presence-stall", lib, ("alice", {"n": 1}))
                await bob.subscribe("presence-stall", lib, ("bob", {}))
                # block instance one's event loop past its heartbeat TTL: instance two reaps it
                one._loop.call_soon_threadsafe(time.sleep, 1.6)
                removed = await bob.next("pusher_internal:member_removed", timeout=10)
                assert data_of(removed) == {"user_id": "alice"}
                # once one runs again it notices and puts alice back
                added = await bob.next("pusher_internal:member_added", timeout=10)
                assert data_of(added) == {"user_id": "alice", "user_info": {"n": 1}}
                assert sorted(u["id"] for u in lib.users_info("presence-stall")["users"]) == ["alice", "bob"]
                assert lib.channel_info("presence-stall", ["subscription_count"])["subscription_count"] == 2

        run(scenario())
