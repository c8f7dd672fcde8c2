"""Shared fixtures: servers on free ports, the official pusher library, a plain WebSocket client."""

import asyncio
import json
import os
import uuid

import aiohttp
import pusher
import pytest

from addchat.transports.pusher.server import App, BackgroundServer

APP = App("4242", "test-key", "test-secret")
REDIS_URL = os.environ.get("ADDCHAT_TEST_REDIS_URL")

needs_redis = pytest.mark.skipif(not REDIS_URL, reason="ADDCHAT_TEST_REDIS_URL is not set")


def run(coro, timeout=20):
    """Run one async scenario with a hard bound."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def pusher_lib(port, secret=APP.secret):
    """The official Pusher HTTP library pointed at a local server."""
    return pusher.Pusher(
        app_id=APP.id,
        key=APP.key,
        secret=secret,
        host="127.0.0.1",
        port=port,
        ssl=False,
    )


@pytest.fixture
def server():
    with BackgroundServer([APP], port=0) as background:
        yield background


class RawClient:
    """A bare protocol-7 WebSocket client (aiohttp) to check exact messages and close codes."""

    def __init__(self, ws):
        self.ws = ws
        self.socket_id = None
        self.skipped = []

    @classmethod
    async def connect(cls, session, port, key=APP.key, query="protocol=7&client=raw&version=1"):
        client = cls(await session.ws_connect(f"ws://127.0.0.1:{port}/app/{key}?{query}", autoping=True))
        return client

    async def established(self):
        message = await self.next("pusher:connection_established")
        self.socket_id = json.loads(message["data"])["socket_id"]
        return message

    async def send(self, event, data=None, channel=None):
        message = {"event": event, "data": data if data is not None else {}}
        if channel is not None:
            message["channel"] = channel
        await self.ws.send_str(json.dumps(message))

    async def receive(self, timeout=5):
        """The next message as a dict, or ("closed", code) when the socket closes."""
        msg = await self.ws.receive(timeout=timeout)
        if msg.type == aiohttp.WSMsgType.TEXT:
            return json.loads(msg.data)
        return ("closed", self.ws.close_code)

    async def next(self, event, channel=None, timeout=5):
        """Wait for an event (optionally on a channel); earlier messages are kept in .skipped."""
        while True:
            message = await self.receive(timeout)
            if isinstance(message, tuple):
                pytest.fail(f"closed with {message[1]} while waiting for {event}; saw {self.skipped}")
            if message["event"] == event and (channel is None or message.get("channel") == channel):
                return message
            self.skipped.append(message)

    async def subscribe(self, channel, lib=None, user=None):
        """Subscribe, signing with the official library's authenticate() when the channel needs it."""
        data = {"channel": channel}
        if lib is not None:
            custom = {"user_id": user[0], "user_info": user[1]} if user else None
            data.update(lib.authenticate(channel=channel, socket_id=self.socket_id, custom_data=custom))
        await self.send("pusher:subscribe", data)
        return await self.next_of(
            channel,
            "pusher_internal:subscription_succeeded",
            "pusher:subscription_error",
        )

    async def next_of(self, channel, *events):
        while True:
            message = await self.receive()
            if isinstance(message, tuple):
                pytest.fail(f"closed with {message[1]}")
            if message["event"] in events and message.get("channel") == channel:
                return message
            self.skipped.append(message)

    def seen(self, event):
        return [m for m in self.skipped if m.get("event") == event]

    async def close(self):
        await self.ws.close()


async def connect(session, port, **kwargs):
    client = await RawClient.connect(session, port, **kwargs)
    await client.established()
    return client


def data_of(message):
    return json.loads(message["data"]) if isinstance(message.get("data"), str) else message.get("data")


def unique_prefix():
    return "addchat-test:" + uuid.uuid4().hex[:12]


async def clean_redis(prefix):
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=prefix + ":*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
