"""Pusher Channels protocol 7 constants and message shapes, kept in one place so codes are not scattered."""

import json
import re

SUPPORTED_PROTOCOLS = {5, 6, 7}

# Close and error codes from the Pusher Channels protocol document ("Error Codes").
APP_NOT_FOUND = 4001
INVALID_VERSION = 4006
UNSUPPORTED_PROTOCOL = 4007
NO_PROTOCOL = 4008
UNAUTHORIZED = 4009
OVER_CAPACITY = 4100
RECONNECT_NOW = 4200
PONG_NOT_RECEIVED = 4201
# 4300-4399: "any other type of error"; the server answers and the connection stays open.
INVALID_MESSAGE = 4300
CLIENT_EVENT_REJECTED = 4301

# Limits documented by Pusher: 10 KB per event, 10 client events per second per connection,
# 100 channels per trigger, 10 events per batch, 164 characters per channel name, 200 per event name.
MAX_EVENT_BYTES = 10 * 1024
CLIENT_EVENTS_PER_SECOND = 10
MAX_TRIGGER_CHANNELS = 100
MAX_BATCH_EVENTS = 10
MAX_CHANNEL_NAME = 164
MAX_EVENT_NAME = 200
MAX_USER_INFO_BYTES = 1024

CHANNEL_NAME_RE = re.compile(r"\A[A-Za-z0-9_\-=@,.;]+\Z")
# Protocol 7 user authentication: a signed-in connection listens on this channel, which no client
# may subscribe to (the "#" keeps it out of CHANNEL_NAME_RE); servers trigger into it (send_to_user).
SERVER_TO_USER_PREFIX = "#server-to-user-"
USER_ID_RE = re.compile(r"\A[A-Za-z0-9_\-=@,.;]{1,200}\Z")


def server_to_user_channel(user_id):
    """The channel a signed-in user's connections receive send_to_user events on."""
    return SERVER_TO_USER_PREFIX + user_id


def valid_trigger_channel(name):
    """Channels the HTTP API may trigger into: any valid name, and server-to-user channels."""
    if isinstance(name, str) and name.startswith(SERVER_TO_USER_PREFIX):
        return bool(USER_ID_RE.match(name[len(SERVER_TO_USER_PREFIX) :]))
    return valid_channel_name(name)


def channel_kind(name):
    """Tell "presence", "private" or "public" from the channel name prefix."""
    if name.startswith("presence-"):
        return "presence"
    if name.startswith("private-"):
        return "private"
    return "public"


def valid_channel_name(name):
    """Check a channel name against Pusher's allowed characters and length."""
    return isinstance(name, str) and len(name) <= MAX_CHANNEL_NAME and bool(CHANNEL_NAME_RE.match(name))


def encode(event, data=None, channel=None, user_id=None):
    """Build one wire message; dict data is JSON-encoded again as the protocol's double encoding asks."""
    message = {"event": event}
    if channel is not None:
        message["channel"] = channel
    if data is not None:
        message["data"] = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    if user_id is not None:
        message["user_id"] = user_id
    return json.dumps(message, separators=(",", ":"))


def error(code, message, channel=None):
    """A pusher:error message (data is a plain object, as Pusher and pusher-js use it)."""
    body = {"event": "pusher:error", "data": {"code": code, "message": message}}
    if channel is not None:
        body["channel"] = channel
    return json.dumps(body, separators=(",", ":"))


def subscription_error(channel, error_type, text, status):
    """A pusher:subscription_error for one channel; pusher-js emits it on that channel."""
    return json.dumps(
        {
            "event": "pusher:subscription_error",
            "channel": channel,
            "data": {"type": error_type, "error": text, "status": status},
        },
        separators=(",", ":"),
    )


def data_size(data):
    """Size in bytes of an event's data as it travels (strings as UTF-8, objects as JSON)."""
    if data is None:
        return 0
    if not isinstance(data, str):
        data = json.dumps(data, separators=(",", ":"))
    return len(data.encode("utf-8"))
