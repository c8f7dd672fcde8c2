"""The /app/{key} WebSocket endpoint: handshake checks and the client -> server events of protocol 7."""

import asyncio
import json
import logging
from urllib.parse import parse_qs

from aiohttp import WSCloseCode, WSMsgType, web

from .. import protocol
from .connection import Connection
from .signatures import channel_auth_ok, user_auth_ok

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
SERVER_KEY = web.AppKey("pusher_server", object)
SERVER_NAME = "addchat-pusher"  # the Server header: no library or version named


class PusherWebSocketResponse(web.WebSocketResponse):
    """aiohttp's WebSocket, saying why in a pusher:error before it closes on a frame over the limit."""

    async def close(self, *, code=WSCloseCode.OK, message=b"", drain=True):
        if code == WSCloseCode.MESSAGE_TOO_BIG and not self.closed:
            text = f"Message larger than {MAX_FRAME_BYTES} bytes"
            try:
                await self.send_str(protocol.error(protocol.INVALID_MESSAGE, text))
            except (ConnectionError, RuntimeError):
                pass
        return await super().close(code=code, message=message, drain=drain)

    async def prepare(self, request):
        """Upgrade, then let go of the HTTP request parser, which an upgraded socket never uses again.

        aiohttp drops it itself when the connection is lost; dropping it on upgrade saves about
        1.7 KiB of RSS per idle socket (tests/transports/pusher/server/test_idle_memory.py keeps this honest).
        """
        writer = await super().prepare(request)
        handler = request.protocol
        if getattr(handler, "_payload_parser", None) is self._parser and getattr(handler, "_upgraded", False):
            handler._parser = None
        return writer


async def handle_websocket(request):
    """Accept the socket, check app key and protocol, then serve messages until it closes."""
    server = request.app[SERVER_KEY]
    ws = PusherWebSocketResponse(max_msg_size=MAX_FRAME_BYTES, heartbeat=None, compress=server.compress)
    # Set before the handshake adds its own headers, so the header map is sized once, not regrown.
    ws.headers["Server"] = SERVER_NAME
    await ws.prepare(request)
    app = server.apps.by_key(request.match_info["key"])
    problem = None
    if app is None:
        problem = (
            protocol.APP_NOT_FOUND,
            f"App key {request.match_info['key']} does not exist.",
        )
    else:
        # Parsed here and dropped: request.query would stay cached for the socket's whole life.
        problem = protocol_problem(parse_qs(request.query_string).get("protocol", [None])[-1])
    if problem:
        await ws.send_str(protocol.error(*problem))
        await ws.close(code=problem[0], message=problem[1].encode("utf-8")[:120])
        return ws

    loop = asyncio.get_running_loop()
    transport = request.transport
    conn = Connection(ws, app, loop.time(), abort=transport.abort if transport else None)
    server.connections[conn.socket_id] = conn
    conn.send(
        protocol.encode(
            "pusher:connection_established",
            {"socket_id": conn.socket_id, "activity_timeout": server.activity_timeout},
        )
    )
    try:
        await serve_messages(server, conn, ws, loop)
    finally:
        server.connections.pop(conn.socket_id, None)
        conn.closed = True
        await server.hub.drop(conn)
        await conn.stop_writing()
    return ws


async def serve_messages(server, conn, ws, loop):
    """Handle text frames until the socket closes."""
    while (text := await next_text(ws)) is not None:
        conn.touch(loop.time())
        try:
            await handle_message(server, conn, text)
        except Exception:
            log.exception("message from %s failed", conn.socket_id)
            conn.send(protocol.error(protocol.RECONNECT_NOW, "Internal server error"))
        del text  # an idle socket keeps no copy of its last frame while it waits for the next


async def next_text(ws):
    """The next text frame's data, or None once the socket closes (other frames are skipped)."""
    while True:
        msg = await ws.receive()
        if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
            return None
        if msg.type == WSMsgType.TEXT:
            return msg.data


def protocol_problem(value):
    """(code, message) when the ?protocol= query parameter is missing or unsupported."""
    if value is None:
        return (protocol.NO_PROTOCOL, "No protocol version supplied")
    if not value.isdigit() or int(value) not in protocol.SUPPORTED_PROTOCOLS:
        return (protocol.UNSUPPORTED_PROTOCOL, f"Unsupported protocol version {value}")
    return None


async def handle_message(server, conn, text):
    """Dispatch one client message by its event name."""
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        conn.send(protocol.error(protocol.INVALID_MESSAGE, "Invalid JSON"))
        return
    if not isinstance(message, dict) or not isinstance(message.get("event"), str):
        conn.send(protocol.error(protocol.INVALID_MESSAGE, "Message has no event"))
        return
    event = message["event"]
    data = message.get("data")
    if event in ("pusher:subscribe", "pusher:unsubscribe", "pusher:signin") and isinstance(data, str):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError):
            data = None
    if event in ("pusher:subscribe", "pusher:unsubscribe") and not (
        isinstance(data, dict) and isinstance(data.get("channel"), str)
    ):
        conn.send(protocol.error(protocol.INVALID_MESSAGE, f"{event} needs data with a channel name"))
        return
    if event == "pusher:ping":
        conn.send(protocol.encode("pusher:pong", {}))
    elif event == "pusher:pong":
        pass
    elif event == "pusher:subscribe":
        await subscribe(server, conn, data)
    elif event == "pusher:unsubscribe":
        await server.hub.unsubscribe(conn, data["channel"])
    elif event == "pusher:signin":
        await signin(server, conn, data)
    elif event.startswith("client-"):
        await client_event(server, conn, event, message.get("channel"), data)


async def subscribe(server, conn, data):
    """Check the channel name and signature, then subscribe and confirm (with members on presence)."""
    channel = data.get("channel")
    if not protocol.valid_channel_name(channel):
        conn.send(protocol.subscription_error(str(channel), "InvalidChannel", "Invalid channel name", 4009))
        return
    kind = protocol.channel_kind(channel)
    member = None
    if kind != "public":
        channel_data = data.get("channel_data") if kind == "presence" else None
        if kind == "presence" and not isinstance(channel_data, str):
            channel_data = None
        signed = channel_auth_ok(conn.app, conn.socket_id, channel, data.get("auth"), channel_data)
        if kind == "presence" and channel_data is None:
            signed = False
        if not signed:
            text = f"Invalid signature for channel {channel}"
            conn.send(protocol.subscription_error(channel, "AuthError", text, 401))
            return
    if kind == "presence":
        member = presence_member(channel_data)
        if member is None:
            text = "channel_data must be JSON with a user_id and at most 1 KB of user_info"
            conn.send(protocol.subscription_error(channel, "InvalidChannelData", text, 400))
            return
    members = await server.hub.subscribe(conn, channel, member)
    if members is None:
        conn.send(protocol.encode("pusher_internal:subscription_succeeded", {}, channel))
        return
    presence = {"ids": list(members), "hash": members, "count": len(members)}
    conn.send(protocol.encode("pusher_internal:subscription_succeeded", {"presence": presence}, channel))


async def signin(server, conn, data):
    """Protocol 7 user authentication: check the signed user_data, then listen to the user's channel.

    On success: pusher:signin_success with the user_data, and the connection receives what servers
    send to the user (#server-to-user-<id>). On a bad signature or user_data: pusher:error 4009 and
    the connection closes with 4009, as Pusher Channels does.
    """
    auth = data.get("auth") if isinstance(data, dict) else None
    user_data = data.get("user_data") if isinstance(data, dict) else None
    user = None
    if conn.user_id is None and user_auth_ok(conn.app, conn.socket_id, user_data, auth):
        try:
            user = json.loads(user_data)
        except (ValueError, RecursionError):
            user = None
    user_id = user.get("id") if isinstance(user, dict) else None
    if not isinstance(user_id, str) or not protocol.USER_ID_RE.match(user_id):
        reason = "Already signed in" if conn.user_id is not None else "Invalid user authentication"
        conn.close(protocol.UNAUTHORIZED, reason)
        return
    conn.user_id = user_id
    await server.hub.subscribe(conn, protocol.server_to_user_channel(user_id))
    conn.send(protocol.encode("pusher:signin_success", {"user_data": user_data}))


def presence_member(channel_data):
    """(user_id as a string, user_info) from signed channel_data, or None when unusable."""
    try:
        parsed = json.loads(channel_data)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or parsed.get("user_id") in (None, ""):
        return None
    user_info = parsed.get("user_info")
    if protocol.data_size(user_info) > protocol.MAX_USER_INFO_BYTES:
        return None
    return (str(parsed["user_id"]), user_info)


async def client_event(server, conn, event, channel, data):
    """Relay a client-* event to the channel's other subscribers if allowed, sized and within rate."""
    if not isinstance(channel, str) or protocol.channel_kind(channel) == "public":
        text = "Client events are only allowed on private and presence channels"
        conn.send(protocol.error(protocol.UNAUTHORIZED, text, channel))
        return
    if channel in conn.app.server_only_channels:
        text = "Client events are not allowed on this channel"
        conn.send(protocol.error(protocol.UNAUTHORIZED, text, channel))
        return
    if channel not in conn.channels:
        text = "The client is not a member of the specified channel"
        conn.send(protocol.error(protocol.UNAUTHORIZED, text, channel))
        return
    if len(event) > protocol.MAX_EVENT_NAME or protocol.data_size(data) > protocol.MAX_EVENT_BYTES:
        text = "Client event rejected: event name or data too large"
        conn.send(protocol.error(protocol.CLIENT_EVENT_REJECTED, text, channel))
        return
    if not conn.allow_client_event():
        text = "Client event rejected due to rate limit"
        conn.send(protocol.error(protocol.CLIENT_EVENT_REJECTED, text, channel))
        return
    user_id = conn.presence[channel][0] if channel in conn.presence else None
    message = protocol.encode(event, data if data is not None else {}, channel, user_id=user_id)
    await server.hub.publish(conn.app.id, channel, message, except_socket=conn.socket_id)
