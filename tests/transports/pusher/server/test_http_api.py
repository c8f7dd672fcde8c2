"""The HTTP API as the official pusher library (and hand-signed requests) call it."""

import hashlib
import hmac
import json
import time

import aiohttp
import pusher.errors
import pytest
import requests

from .conftest import APP, connect, data_of, pusher_lib, run

pytestmark = pytest.mark.timeout(30)


def signed_url(port, method, path, params, body=b"", secret=APP.secret, timestamp=None):
    """Sign a request the way the HTTP API reference describes, independently of the library."""
    query = dict(params)
    query.update(
        auth_key=APP.key,
        auth_timestamp=str(int(time.time() if timestamp is None else timestamp)),
        auth_version="1.0",
    )
    if body:
        query["body_md5"] = hashlib.md5(body).hexdigest()
    text = "\n".join([method, path, "&".join(f"{k}={v}" for k, v in sorted(query.items()))])
    query["auth_signature"] = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return f"http://127.0.0.1:{port}{path}?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_trigger_excludes_socket_id_and_batch_reaches_channels(server):
    lib = pusher_lib(server.port)

    async def scenario():
        async with aiohttp.ClientSession() as session:
            sender = await connect(session, server.port)
            other = await connect(session, server.port)
            for client in (sender, other):
                await client.subscribe("room")
                await client.subscribe("private-side", lib)
            lib.trigger(["room"], "said", {"text": "hi"}, socket_id=sender.socket_id)
            lib.trigger_batch(
                [
                    {"channel": "room", "name": "first", "data": {"n": 1}},
                    {"channel": "private-side", "name": "second", "data": "plain text"},
                ]
            )
            assert data_of(await other.next("said")) == {"text": "hi"}
            await sender.next("first")
            assert sender.seen("said") == []  # excluded by socket_id
            second = await sender.next("second")
            assert second["data"] == "plain text" and second["channel"] == "private-side"

    run(scenario())


def test_channel_queries(server):
    lib = pusher_lib(server.port)

    async def scenario():
        async with aiohttp.ClientSession() as session:
            a = await connect(session, server.port)
            b = await connect(session, server.port)
            await a.subscribe("presence-team", lib, ("u1", {"name": "One"}))
            await b.subscribe("presence-team", lib, ("u2", {"name": "Two"}))
            await a.subscribe("news")
            await b.subscribe("news")
            channels = lib.channels_info()["channels"]
            assert set(channels) == {"presence-team", "news"}
            presence = lib.channels_info(prefix_filter="presence-", attributes=["user_count"])
            assert presence == {"channels": {"presence-team": {"user_count": 2}}}
            info = lib.channel_info("news", ["subscription_count"])
            assert info == {"occupied": True, "subscription_count": 2}
            assert lib.channel_info("empty") == {"occupied": False}
            users = sorted(u["id"] for u in lib.users_info("presence-team")["users"])
            assert users == ["u1", "u2"]
            with pytest.raises(pusher.errors.PusherBadRequest):
                lib.users_info("news")
            with pytest.raises(pusher.errors.PusherBadRequest):
                lib.channels_info(attributes=["user_count"])

    run(scenario())


def test_wrong_secret_is_401(server):
    with pytest.raises(pusher.errors.PusherBadAuth):
        pusher_lib(server.port, secret="wrong").trigger("room", "x", {})


def test_stale_timestamp_is_401_and_fresh_one_accepted(server):
    path = f"/apps/{APP.id}/events"
    body = json.dumps({"name": "e", "channel": "room", "data": "{}"}).encode()
    headers = {"Content-Type": "application/json"}
    fresh = signed_url(server.port, "POST", path, {}, body)
    assert requests.post(fresh, data=body, headers=headers, timeout=5).status_code == 200
    stale = signed_url(server.port, "POST", path, {}, body, timestamp=time.time() - 700)
    response = requests.post(stale, data=body, headers=headers, timeout=5)
    assert response.status_code == 401
    assert "Timestamp" in response.json()["error"]


def test_body_must_match_body_md5(server):
    path = f"/apps/{APP.id}/events"
    body = json.dumps({"name": "e", "channel": "room", "data": "{}"}).encode()
    url = signed_url(server.port, "POST", path, {}, body)
    changed = body.replace(b"room", b"hall")
    response = requests.post(url, data=changed, headers={"Content-Type": "application/json"}, timeout=5)
    assert response.status_code == 401


def test_signed_get_with_query_and_unknown_app(server):
    url = signed_url(
        server.port,
        "GET",
        f"/apps/{APP.id}/channels",
        {"filter_by_prefix": "presence-"},
    )
    assert requests.get(url, timeout=5).json() == {"channels": {}}
    unknown = signed_url(server.port, "GET", "/apps/999/channels", {})
    assert requests.get(unknown, timeout=5).status_code == 404


def test_event_over_10kb_is_413(server):
    lib = pusher_lib(server.port)
    with pytest.raises(pusher.errors.PusherBadStatus, match="413"):
        lib.trigger("room", "big", {"blob": "x" * 11 * 1024})
    path = f"/apps/{APP.id}/batch_events"
    batch = {"batch": [{"channel": "room", "name": "big", "data": "y" * 11 * 1024}]}
    body = json.dumps(batch).encode()
    url = signed_url(server.port, "POST", path, {}, body)
    response = requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=5)
    assert response.status_code == 413
