"""POST /addchat/pusher/auth: what it signs, what it refuses, and the server's own check."""

import json

import aiohttp
import pytest

from addchat.transports.pusher.channels import chat_channel, user_channel
from tests.transports.pusher.conftest import PUSHER_APP, run
from tests.transports.pusher.server.conftest import connect

pytestmark = pytest.mark.timeout(60)
SUCCEEDED = "pusher_internal:subscription_succeeded"
FAILED = "pusher:subscription_error"
SOCKET = "1234.5678"


def authorize(client, socket_id, channel_name, token=True):
    """POST the form pusher-js sends, with the widget's CSRF header."""
    headers = {"X-CSRFToken": client.token} if token and client.token else {}
    return client.client.post(
        "/addchat/pusher/auth",
        data={"socket_id": socket_id, "channel_name": channel_name},
        headers=headers,
    )


async def subscribe(ws, channel, auth):
    """Subscribe a raw protocol client with an auth answer; return the server's verdict event."""
    await ws.send("pusher:subscribe", {"channel": channel, **auth})
    return await ws.next_of(channel, SUCCEEDED, FAILED)


def test_signs_own_channels_and_the_server_accepts_them(app, users, api, pusher_server):
    alice = api("alice")
    channels = [
        user_channel(users["alice"]),
        "private-addchat.all",
        chat_channel(users["alice"], users["bob"]),
        chat_channel(users["alice"], users["bob"], presence=False),
    ]

    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect(http, pusher_server.port, key=PUSHER_APP.key)
            verdicts = {}
            for channel in channels:
                response = authorize(alice, ws.socket_id, channel)
                assert response.status_code == 200, response.get_json()
                verdicts[channel] = await subscribe(ws, channel, response.get_json())
            await ws.close()
            return verdicts

    verdicts = run(scenario())
    assert {channel: v["event"] for channel, v in verdicts.items()} == dict.fromkeys(channels, SUCCEEDED)
    presence = json.loads(verdicts[chat_channel(users["alice"], users["bob"])]["data"])["presence"]
    assert presence["ids"] == [str(users["alice"])]
    assert presence["hash"][str(users["alice"])] == {"name": "Alice", "avatar": None}


def test_presence_channel_data_names_the_user(app, users, api):
    answer = authorize(api("bob"), SOCKET, chat_channel(users["alice"], users["bob"])).get_json()
    assert json.loads(answer["channel_data"]) == {
        "user_id": str(users["bob"]),
        "user_info": {"name": "Bob", "avatar": None},
    }
    assert answer["auth"].startswith(PUSHER_APP.key + ":")


def test_refuses_channels_the_user_may_not_join(app, users, api):
    carol = api("carol")
    forbidden = [
        user_channel(users["alice"]),
        chat_channel(users["alice"], users["bob"]),
        chat_channel(users["alice"], users["bob"], presence=False),
        chat_channel(users["carol"], 999),  # nobody
        "private-someone-else",
        "presence-room",
        "public-news",
    ]
    for channel in forbidden:
        response = authorize(carol, SOCKET, channel)
        assert response.status_code == 403, channel
        assert response.get_json()["error"]["code"] == "channel_forbidden"


def test_host_policy_limits_pair_channels_both_ways(app, users, api):
    # The host lets nobody chat with Carol, and Carol with nobody but Alice.
    app.extensions["addchat"].can_chat = lambda user, peer: peer.name != "Carol" or user.name == "Alice"
    assert authorize(api("carol"), SOCKET, chat_channel(users["carol"], users["bob"])).status_code == 403
    assert authorize(api("bob"), SOCKET, chat_channel(users["carol"], users["bob"])).status_code == 403
    assert authorize(api("carol"), SOCKET, chat_channel(users["carol"], users["alice"])).status_code == 200
    assert authorize(api("alice"), SOCKET, chat_channel(users["carol"], users["alice"])).status_code == 200


def test_anonymous_gets_401_json(app, users, api):
    response = authorize(api(), SOCKET, "private-addchat.all")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_malformed_requests_get_400(app, users, api):
    alice = api("alice")
    own = user_channel(users["alice"])
    cases = [
        ("", own),
        ("1234", own),
        ("1234.5678.9", own),
        ("abc.def", own),
        ("1234.5678\n", own),
        (SOCKET, ""),
        (SOCKET, "private-addchat.user.x"),
        (SOCKET, "private-addchat.user.01"),
        (SOCKET, f"presence-addchat.chat.{users['bob']}.{users['alice']}"),
        (SOCKET, f"presence-addchat.chat.{users['alice']}.{users['alice']}"),
        (SOCKET, "private-addchat.secret"),
        (SOCKET, "private addchat"),
        (SOCKET, "x" * 201),
    ]
    for socket_id, channel in cases:
        response = authorize(alice, socket_id, channel)
        assert response.status_code == 400, (socket_id, channel, response.get_json())
        assert response.get_json()["error"]["code"] in ("invalid_socket_id", "invalid_channel_name")
    response = alice.client.post(
        "/addchat/pusher/auth", data={"socket_id": SOCKET}, headers={"X-CSRFToken": alice.token}
    )
    assert response.status_code == 400


def test_csrf_token_is_required(app, users, api):
    response = authorize(api("alice"), SOCKET, user_channel(users["alice"]), token=False)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_server_rejects_forged_and_borrowed_signatures(app, users, api, pusher_server):
    alice, carol = api("alice"), api("carol")
    channel = user_channel(users["alice"])

    async def scenario():
        async with aiohttp.ClientSession() as http:
            victim = await connect(http, pusher_server.port, key=PUSHER_APP.key)
            thief = await connect(http, pusher_server.port, key=PUSHER_APP.key)
            refused = authorize(carol, thief.socket_id, channel)
            assert refused.status_code == 403
            # Carol forges a signature, then borrows one our endpoint gave Alice's socket.
            forged = await subscribe(thief, channel, {"auth": f"{PUSHER_APP.key}:{'0' * 64}"})
            borrowed_auth = authorize(alice, victim.socket_id, channel).get_json()
            borrowed = await subscribe(thief, channel, borrowed_auth)
            rightful = await subscribe(victim, channel, borrowed_auth)
            await victim.close()
            await thief.close()
            return forged, borrowed, rightful

    forged, borrowed, rightful = run(scenario())
    assert forged["event"] == FAILED
    assert borrowed["event"] == FAILED
    assert rightful["event"] == SUCCEEDED


def test_batch_signs_each_channel_and_refuses_others_one_by_one(app, users, api, pusher_server):
    alice = api("alice")
    allowed = [
        user_channel(users["alice"]),
        chat_channel(users["alice"], users["bob"]),
        chat_channel(users["alice"], users["carol"]),
    ]
    refused = {
        user_channel(users["bob"]): 403,
        chat_channel(users["bob"], users["carol"]): 403,
        "presence-addchat.chat.x": 400,
    }

    async def scenario():
        async with aiohttp.ClientSession() as http:
            ws = await connect(http, pusher_server.port, key=PUSHER_APP.key)
            response = alice.post(
                "/addchat/pusher/auth/batch",
                json={"socket_id": ws.socket_id, "channel_names": allowed + list(refused)},
            )
            assert response.status_code == 200, response.get_json()
            answers = response.get_json()["channels"]
            verdicts = {}
            for channel in allowed:
                answer = {k: v for k, v in answers[channel].items() if k != "status"}
                verdicts[channel] = (await subscribe(ws, channel, answer))["event"]
            await ws.close()
            return answers, verdicts

    answers, verdicts = run(scenario())
    assert verdicts == dict.fromkeys(allowed, SUCCEEDED)
    assert {channel: answers[channel]["status"] for channel in refused} == refused
    assert answers[user_channel(users["bob"])]["error"]["code"] == "channel_forbidden"
    assert "auth" not in answers[user_channel(users["bob"])]


def test_batch_refuses_anonymous_and_malformed_requests(app, users, api):
    anonymous = api()
    response = anonymous.post(
        "/addchat/pusher/auth/batch", json={"socket_id": SOCKET, "channel_names": ["x"]}
    )
    assert response.status_code == 401
    alice = api("alice")
    own = user_channel(users["alice"])
    for body in (
        {"socket_id": "1.2.3", "channel_names": [own]},
        {"socket_id": SOCKET, "channel_names": []},
        {"socket_id": SOCKET, "channel_names": own},
        {"socket_id": SOCKET, "channel_names": [own] * 102},
        ["not", "an", "object"],
    ):
        assert alice.post("/addchat/pusher/auth/batch", json=body).status_code == 400, body
    no_token = alice.client.post(
        "/addchat/pusher/auth/batch", json={"socket_id": SOCKET, "channel_names": [own]}
    )
    assert no_token.get_json()["error"]["code"] == "csrf_failed"


def test_auth_is_rate_limited_with_json_429(app, users, api):
    app.config["ADDCHAT_AUTH_RATE_LIMIT"] = "2/minute"
    bob = api("bob")
    channel = user_channel(users["bob"])
    statuses = [authorize(bob, SOCKET, channel).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = authorize(bob, SOCKET, channel)
    assert refused.get_json()["error"]["code"] == "too_many_requests"
