"""The pusher transport triggering into the built-in server, read by raw protocol clients."""

import json
import logging

import aiohttp
import pytest

from addchat.feed import FeedChange
from addchat.transports.pusher.channels import user_channel
from testkit import free_port
from tests.transports.pusher.conftest import PUSHER_APP, run
from tests.transports.pusher.server.conftest import connect
from tests.transports.pusher.test_auth import SUCCEEDED, authorize, subscribe

pytestmark = pytest.mark.timeout(60)


async def listener(http, port, client, channels):
    """Connect a raw client and subscribe it, through our auth endpoint, to channels."""
    ws = await connect(http, port, key=PUSHER_APP.key)
    for channel in channels:
        answer = authorize(client, ws.socket_id, channel)
        assert answer.status_code == 200, answer.get_json()
        assert (await subscribe(ws, channel, answer.get_json()))["event"] == SUCCEEDED
    return ws


async def next_change(ws, channel):
    """Wait for the next "change" event on a channel and decode its data."""
    message = await ws.next("change", channel=channel)
    return json.loads(message["data"])


def test_message_reaches_recipient_and_senders_other_tabs_but_not_the_sending_tab(
    app, users, api, pusher_server
):
    alice, bob = api("alice"), api("bob")
    alice_channel, bob_channel = user_channel(users["alice"]), user_channel(users["bob"])

    async def scenario():
        async with aiohttp.ClientSession() as http:
            port = pusher_server.port
            bob_tab = await listener(http, port, bob, [bob_channel])
            alice_tab = await listener(http, port, alice, [alice_channel])
            alice_other_tab = await listener(http, port, alice, [alice_channel])
            sent = alice.post(
                f"/addchat/api/conversations/{users['bob']}/messages",
                json={"body": "hello"},
                headers={"X-Socket-Id": alice_tab.socket_id},
            )
            assert sent.status_code == 201
            # A reply from Bob is the marker: the sending tab's first change must be the reply.
            reply = bob.send(users["alice"], "hi back")
            return (
                sent.get_json(),
                reply.get_json(),
                await next_change(bob_tab, bob_channel),
                await next_change(alice_other_tab, alice_channel),
                await next_change(alice_tab, alice_channel),
            )

    sent, reply, to_bob, to_alice_other_tab, to_sending_tab = run(scenario())
    assert to_bob == {"seq": sent["seq"], "type": "message", "data": sent}
    assert to_alice_other_tab == to_bob
    assert to_sending_tab["data"]["id"] == reply["id"]


def test_seen_receipt_reaches_the_sender(app, users, api, pusher_server):
    alice, bob = api("alice"), api("bob")
    message = alice.send(users["bob"], "read me").get_json()

    async def scenario():
        async with aiohttp.ClientSession() as http:
            alice_tab = await listener(http, pusher_server.port, alice, [user_channel(users["alice"])])
            seen = bob.post(
                f"/addchat/api/conversations/{users['alice']}/seen", json={"up_to_id": message["id"]}
            )
            assert seen.status_code == 200
            return await next_change(alice_tab, user_channel(users["alice"]))

    change = run(scenario())
    assert change["type"] == "seen"
    assert change["data"]["up_to_id"] == message["id"]


def test_change_over_10_kb_goes_out_as_a_reference_the_poll_resolves(app, users, api, pusher_server):
    alice, bob = api("alice"), api("bob")
    body = "\N{GRINNING FACE}" * 4000  # 4,000 characters, 16,000 bytes in UTF-8

    async def scenario():
        async with aiohttp.ClientSession() as http:
            bob_tab = await listener(http, pusher_server.port, bob, [user_channel(users["bob"])])
            sent = alice.send(users["bob"], body)
            assert sent.status_code == 201, sent.get_json()
            return sent.get_json(), await next_change(bob_tab, user_channel(users["bob"]))

    sent, pushed = run(scenario())
    assert pushed == {"type": "ref", "ref": {"seq": sent["seq"], "type": "message"}}
    fetched = bob.poll(sent["seq"] - 1)["changes"]
    assert fetched[0]["seq"] == sent["seq"]
    assert fetched[0]["data"]["body"] == body


def test_more_than_ten_changes_go_out_in_batches_in_order(app, users, api, pusher_server):
    alice = api("alice")
    channel = user_channel(users["alice"])
    changes = [FeedChange(seq, users["alice"], "probe", {"n": seq}) for seq in range(1, 26)]

    async def scenario():
        async with aiohttp.ClientSession() as http:
            tab = await listener(http, pusher_server.port, alice, [channel])
            with app.app_context():
                app.extensions["addchat"].transports["pusher"].publish(changes)
            return [await next_change(tab, channel) for _ in changes]

    received = run(scenario())
    assert [c["seq"] for c in received] == list(range(1, 26))


def test_change_for_everyone_reaches_each_user_at_their_own_seq(app, users, api, pusher_server):
    alice, bob = api("alice"), api("bob")
    cursor = bob.poll()["cursor"]

    async def scenario():
        async with aiohttp.ClientSession() as http:
            channel = user_channel(users["bob"])
            bob_tab = await listener(http, pusher_server.port, bob, [channel])
            switched = alice.post("/addchat/api/settings", json={"notification_type": "internal"})
            assert switched.status_code == 200, switched.get_json()
            return await next_change(bob_tab, channel)

    # Fanned out at write time (addchat/feed.py): Bob's copy sits at his next position.
    change = run(scenario())
    assert change == {"seq": cursor + 1, "type": "config", "data": {"notification_type": "internal"}}


@pytest.mark.parametrize("failure", ["server down", "wrong secret"])
def test_failed_trigger_is_logged_and_the_poll_still_has_the_message(
    app, users, api, pusher_server, caplog, failure
):
    alice, bob = api("alice"), api("bob")
    transport = app.extensions["addchat"].transports["pusher"]
    if failure == "server down":
        app.config["PUSHER_PORT"] = free_port()
    else:
        app.config["PUSHER_SECRET"] = "not-the-secret"
    transport.connect(app.config)
    cursor = bob.poll()["cursor"]
    # Alembic's fileConfig (tests/test_migrations.py, same session) disables existing loggers.
    logging.getLogger("addchat.transports.pusher").disabled = False
    with caplog.at_level(logging.ERROR, logger="addchat.transports.pusher"):
        sent = alice.send(users["bob"], "still delivered")
    assert sent.status_code == 201
    assert "Pusher trigger of 2 event(s)" in caplog.text
    changes = bob.poll(cursor)["changes"]
    assert [c["data"]["body"] for c in changes] == ["still delivered"]
