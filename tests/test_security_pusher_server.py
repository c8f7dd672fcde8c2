# ruff: noqa: F401, F811  (the pusher_server fixtures are imported, then named as test arguments)
"""The built-in Pusher server under attack: bad frames, user sign-in, server-only channels, headers.

Real servers (BackgroundServer on a free port), a bare protocol-7 WebSocket client and the
official pusher library, as in tests/transports/pusher/server; only its fixtures are borrowed.
"""

import asyncio
import json

import aiohttp
import pytest
import redis.asyncio as aioredis

from addchat.transports.pusher.channels import EVERYONE_CHANNEL
from addchat.transports.pusher.server import App, BackgroundServer, apps_from_config
from addchat.transports.pusher.server.signatures import user_auth_ok
from tests.transports.pusher.server.conftest import (
    APP,
    REDIS_URL,
    clean_redis,
    connect,
    data_of,
    needs_redis,
    pusher_lib,
    run,
    server,
    unique_prefix,
)

pytestmark = pytest.mark.timeout(60)


async def next_error(client):
    """The next pusher:error, with its data as an object."""
    message = await client.next("pusher:error")
    data = data_of(message)
    assert isinstance(data["code"], int) and 4000 <= data["code"] <= 4399, data
    assert isinstance(data["message"], str) and data["message"]
    return data


async def still_open(client):
    """The connection still answers a ping."""
    await client.send("pusher:ping")
    await client.next("pusher:pong")


@pytest.mark.parametrize("text", ["{not json", "[" * 5000 + "]" * 5000, '"just a string"', "{}"])
def test_bad_messages_get_a_numeric_error_code_and_keep_the_connection(server, text):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            await client.ws.send_str(text)
            assert (await next_error(client))["code"] == 4300
            await still_open(client)

    run(scenario())


@pytest.mark.parametrize("data", [{}, {"auth": "x"}, "not json", 42, {"channel": None}, {"channel": 7}])
def test_subscribe_without_a_channel_is_an_error_not_none(server, data):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            await client.ws.send_str(json.dumps({"event": "pusher:subscribe", "data": data}))
            message = await client.receive()
            assert message["event"] == "pusher:error", message
            assert "None" not in json.dumps(message)
            assert data_of(message)["code"] == 4300
            await still_open(client)

    run(scenario())


def test_frame_over_the_limit_gets_an_error_before_the_close(server):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            await client.ws.send_str(json.dumps({"event": "client-x", "data": "x" * (70 * 1024)}))
            message = await client.receive()
            assert isinstance(message, dict) and message["event"] == "pusher:error", message
            assert data_of(message)["code"] == 4300 and "65536" in data_of(message)["message"]
            assert await client.receive() == ("closed", 1009)

    run(scenario())


def test_signin_succeeds_and_the_user_receives_send_to_user(server):
    async def scenario():
        lib = pusher_lib(server.port)
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            signed = lib.authenticate_user(client.socket_id, {"id": "42", "user_info": {"name": "Ann"}})
            await client.send("pusher:signin", signed)
            success = await client.next("pusher:signin_success")
            assert json.loads(data_of(success)["user_data"])["id"] == "42"
            other = await connect(session, server.port)
            await asyncio.to_thread(lib.send_to_user, "42", "note", {"text": "for Ann"})
            event = await client.next("note")
            assert event["channel"] == "#server-to-user-42"
            assert data_of(event) == {"text": "for Ann"}
            # A client can never subscribe to someone's server-to-user channel itself.
            await other.send("pusher:subscribe", {"channel": "#server-to-user-42"})
            refused = await other.next_of("#server-to-user-42", "pusher:subscription_error")
            assert refused["event"] == "pusher:subscription_error"

    run(scenario())


@pytest.mark.parametrize("forgery", ["wrong-secret", "other-socket", "no-id", "garbage"])
def test_signin_with_a_bad_signature_is_refused_with_4009(server, forgery):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            client = await connect(session, server.port)
            user = {"id": "42"}
            if forgery == "wrong-secret":
                data = pusher_lib(server.port, secret="not-the-secret").authenticate_user(
                    client.socket_id, user
                )
            elif forgery == "other-socket":
                data = pusher_lib(server.port).authenticate_user("1.2", user)
            elif forgery == "no-id":
                data = pusher_lib(server.port).authenticate_user(client.socket_id, {"id": "1"})
                data["user_data"] = json.dumps({"user_info": {}})
            else:
                data = "nonsense"
            await client.send("pusher:signin", data)
            assert (await next_error(client))["code"] == 4009
            assert await client.receive() == ("closed", 4009)

    run(scenario())


def test_client_events_are_refused_on_server_only_channels():
    app = App(APP.id, APP.key, APP.secret, server_only_channels=frozenset({EVERYONE_CHANNEL}))

    async def scenario(port):
        lib = pusher_lib(port)
        async with aiohttp.ClientSession() as session:
            sender, listener = await connect(session, port), await connect(session, port)
            for client in (sender, listener):
                ok = await client.subscribe(EVERYONE_CHANNEL, lib)
                assert ok["event"] == "pusher_internal:subscription_succeeded"
            await sender.send("client-fake-config", {"notification_type": "x"}, channel=EVERYONE_CHANNEL)
            assert (await next_error(sender))["code"] == 4009
            await asyncio.to_thread(lib.trigger, EVERYONE_CHANNEL, "change", {"seq": 1})
            first = await listener.next_of(EVERYONE_CHANNEL, "change", "client-fake-config")
            assert first["event"] == "change"

    with BackgroundServer([app], port=0) as background:
        run(scenario(background.port))


def test_addchat_config_makes_the_everyone_channel_server_only(app):
    assert EVERYONE_CHANNEL in apps_from_config(app.config)[0].server_only_channels


def test_server_header_names_no_library_or_version(server):
    async def scenario():
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{server.port}/apps/{APP.id}/channels") as response:
                header = response.headers.get("Server", "")
            async with session.ws_connect(f"ws://127.0.0.1:{server.port}/app/{APP.key}?protocol=7") as ws:
                ws_header = ws._response.headers.get("Server", "")
        for value in (header, ws_header):
            assert "aiohttp" not in value.lower() and "python" not in value.lower(), value

    run(scenario())


@needs_redis
def test_instance_presence_set_shrinks_when_members_leave():
    prefix = unique_prefix()

    async def scenario(background):
        lib = pusher_lib(background.port)
        instance = background.server.hub.broker.instance
        key = f"{prefix}:instance:{instance}:presence"
        store = aioredis.from_url(REDIS_URL, decode_responses=True)
        try:
            async with aiohttp.ClientSession() as session:
                clients = []
                for n in range(12):
                    client = await connect(session, background.port)
                    channel = f"presence-room-{n % 4}"
                    joined = await client.subscribe(channel, lib, user=(str(n), {"n": n}))
                    assert joined["event"] == "pusher_internal:subscription_succeeded"
                    clients.append((client, channel))
                assert await store.scard(key) == 4
                for client, channel in clients[:6]:
                    await client.send("pusher:unsubscribe", {"channel": channel})
                for client, _ in clients[6:]:
                    await client.close()
                for _ in range(100):
                    if await store.scard(key) == 0:
                        break
                    await asyncio.sleep(0.05)
                assert await store.smembers(key) == set()
        finally:
            await store.aclose()

    with BackgroundServer([APP], port=0, redis_url=REDIS_URL, redis_prefix=prefix) as background:
        try:
            run(scenario(background))
        finally:
            run(clean_redis(prefix))


def test_addchat_user_auth_signs_what_the_server_accepts(app, api, users):
    alice = api("alice")
    response = alice.client.post(
        "/addchat/pusher/user-auth",
        data={"socket_id": "123.456"},
        headers={"X-CSRFToken": alice.token},
    )
    assert response.status_code == 200, response.get_json()
    signed = response.get_json()
    assert json.loads(signed["user_data"]) == {
        "id": str(users["alice"]),
        "user_info": {"name": "Alice", "avatar": None},
    }
    server_app = apps_from_config(app.config)[0]
    assert user_auth_ok(server_app, "123.456", signed["user_data"], signed["auth"])
    assert not user_auth_ok(server_app, "123.457", signed["user_data"], signed["auth"])


@pytest.mark.parametrize("socket_id", ["１.２", "1.2\n", "1", "", "๓.๓"])
def test_addchat_user_auth_refuses_bad_socket_ids(api, users, socket_id):
    alice = api("alice")
    response = alice.client.post(
        "/addchat/pusher/user-auth", data={"socket_id": socket_id}, headers={"X-CSRFToken": alice.token}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_socket_id"


def test_addchat_user_auth_needs_a_session_then_csrf(app, api, users):
    assert app.test_client().post("/addchat/pusher/user-auth", data={"socket_id": "1.2"}).status_code == 401
    response = api("alice").client.post("/addchat/pusher/user-auth", data={"socket_id": "1.2"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
