"""Two built-in server instances sharing Redis: our auth, presence and triggers span them."""

import json

import aiohttp
import pytest

from addchat.transports.pusher.channels import chat_channel, user_channel
from addchat.transports.pusher.server import BackgroundServer
from tests.transports.pusher.conftest import PUSHER_APP, run
from tests.transports.pusher.server.conftest import (
    REDIS_URL,
    clean_redis,
    connect,
    needs_redis,
    unique_prefix,
)
from tests.transports.pusher.test_auth import SUCCEEDED, authorize, subscribe

pytestmark = [needs_redis, pytest.mark.timeout(60)]


@pytest.fixture
def prefix():
    """A Redis key prefix of this test's own, removed afterwards."""
    name = unique_prefix()
    yield name
    run(clean_redis(name))


@pytest.fixture
def pusher_server(prefix):
    """Instance one, which the app triggers into (overrides the single-instance fixture)."""
    with BackgroundServer(
        [PUSHER_APP], port=0, redis_url=REDIS_URL, redis_prefix=prefix, heartbeat=1.0
    ) as one:
        yield one


@pytest.fixture
def second_server(prefix, pusher_server):
    """Instance two, on the same Redis."""
    with BackgroundServer(
        [PUSHER_APP], port=0, redis_url=REDIS_URL, redis_prefix=prefix, heartbeat=1.0
    ) as two:
        yield two


def test_presence_and_triggers_cross_instances(app, users, api, pusher_server, second_server):
    alice, bob = api("alice"), api("bob")
    pair = chat_channel(users["alice"], users["bob"])
    bob_feed = user_channel(users["bob"])

    async def join(http, port, client, channels):
        ws = await connect(http, port, key=PUSHER_APP.key)
        for channel in channels:
            verdict = await subscribe(ws, channel, authorize(client, ws.socket_id, channel).get_json())
            assert verdict["event"] == SUCCEEDED, verdict
        return ws

    async def scenario():
        async with aiohttp.ClientSession() as http:
            alice_ws = await join(http, pusher_server.port, alice, [pair])
            bob_ws = await join(http, second_server.port, bob, [pair, bob_feed])
            added = json.loads((await alice_ws.next("pusher_internal:member_added", channel=pair))["data"])
            sent = alice.send(users["bob"], "across instances").get_json()
            change = json.loads((await bob_ws.next("change", channel=bob_feed))["data"])
            await bob_ws.send("client-typing", {"typing": True}, channel=pair)
            typing = await alice_ws.next("client-typing", channel=pair)
            await bob_ws.close()
            removed = json.loads(
                (await alice_ws.next("pusher_internal:member_removed", channel=pair))["data"]
            )
            await alice_ws.close()
            return added, sent, change, typing, removed

    added, sent, change, typing, removed = run(scenario(), timeout=40)
    assert added == {"user_id": str(users["bob"]), "user_info": {"name": "Bob", "avatar": None}}
    assert change == {"seq": sent["seq"], "type": "message", "data": sent}
    assert typing["user_id"] == str(users["bob"])
    assert json.loads(typing["data"]) == {"typing": True}
    assert removed == {"user_id": str(users["bob"])}
