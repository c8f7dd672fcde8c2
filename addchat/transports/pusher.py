"""The pusher transport: the official pusher library triggers feed changes on private channels.

Channel scheme (README, "Pusher mode"):
  private-addchat.user.{id}            feed changes for one user (only that user may join)
  private-addchat.all                  changes addressed to everyone (any signed-in user)
  presence-addchat.chat.{low}.{high}   one per pair of users who may chat: its members say
                                       who is online, `client-typing` events carry typing
  private-addchat.chat.{low}.{high}    the same pair without presence, for typing only

Pusher's limits shape `publish`: at most 10 events per batch request, at most 10 KB of data
per event. A change too large for one event goes out as a reference the widget fetches
through the poll. A trigger that fails is logged and dropped: the change is already in the
feed, and every widget catches up through its cursor.
"""

import json
import logging
import sys

import pusher
from flask import current_app, url_for

from addchat.transports.base import Transport

log = logging.getLogger(__name__)

NAMESPACE = "addchat"
EVERYONE_CHANNEL = f"private-{NAMESPACE}.all"
CHANGE_EVENT = "change"
TYPING_EVENT = "client-typing"
# Pusher Channels' limits: events per batch request, bytes of data per event.
MAX_BATCH = 10
MAX_EVENT_BYTES = 10 * 1024


def user_channel(user_id):
    """Name the private channel only this user may subscribe to."""
    return f"private-{NAMESPACE}.user.{user_id}"


CHAT_CHANNEL_TEMPLATE = "{kind}-" + NAMESPACE + ".chat.{low}.{high}"


def chat_channel(user_id, peer_id, presence=True):
    """Name the channel only these two users may join (lower id first)."""
    low, high = sorted((int(user_id), int(peer_id)))
    return CHAT_CHANNEL_TEMPLATE.format(kind="presence" if presence else "private", low=low, high=high)


def encode(payload):
    """Serialise an event's data as the pusher library would send it."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def fits(data):
    """Tell whether event data is within Pusher's 10 KB limit (and the library's own check)."""
    return len(data.encode("utf-8")) <= MAX_EVENT_BYTES and sys.getsizeof(data) <= MAX_EVENT_BYTES


def reference(change):
    """Stand in for a change too large to push: no top-level seq, so nothing marks it applied."""
    return {"type": "ref", "ref": {"seq": change.seq, "type": change.type}}


def change_events(changes, origin=None):
    """Turn feed changes into Pusher events, one per addressed user, excluding the origin socket."""
    events = []
    for change in changes:
        data = encode(change.to_json())
        if not fits(data):
            data = encode(reference(change))
        channel = EVERYONE_CHANNEL if change.user_id == 0 else user_channel(change.user_id)
        event = {"channel": channel, "name": CHANGE_EVENT, "data": data}
        if origin:
            event["socket_id"] = origin
        events.append(event)
    return events


class PusherTransport(Transport):
    """Trigger through Pusher Channels or any Pusher-protocol server (the built-in one by default)."""

    name = "pusher"

    def __init__(self):
        self.client = None

    def init_app(self, app):
        """Create the Pusher client from the PUSHER_* settings."""
        cfg = app.config
        self.client = pusher.Pusher(
            app_id=str(cfg["PUSHER_APP_ID"]),
            key=cfg["PUSHER_KEY"],
            secret=cfg["PUSHER_SECRET"],
            host=cfg.get("PUSHER_HOST") or None,
            port=cfg.get("PUSHER_PORT") or None,
            ssl=cfg.get("PUSHER_SSL", True),
            cluster=cfg.get("PUSHER_CLUSTER"),
            timeout=cfg.get("PUSHER_TIMEOUT", 5),
        )

    def publish(self, changes, origin=None):
        """Trigger every change on its channel, in batches of ten; log what fails, lose nothing."""
        events = change_events(changes, origin)
        for start in range(0, len(events), MAX_BATCH):
            batch = events[start : start + MAX_BATCH]
            try:
                # already_encoded: the data is a JSON string checked against the limit above.
                self.client.trigger_batch(batch, already_encoded=True)
            except Exception:
                # Committed in the feed already: widgets catch up through their cursor.
                log.exception(
                    "Pusher trigger of %d event(s) on %s failed; widgets catch up through the poll",
                    len(batch),
                    ", ".join(sorted({e["channel"] for e in batch})),
                )

    def authenticate(self, socket_id, channel, member=None):
        """Sign one subscription with the official library (HMAC-SHA256 of the Pusher protocol)."""
        return self.client.authenticate(channel=channel, socket_id=socket_id, custom_data=member)

    def authenticate_user(self, socket_id, user_data):
        """Sign a connection's user data for pusher:signin (protocol 7 user authentication)."""
        return self.client.authenticate_user(socket_id, user_data)

    def client_config(self, user):
        """Tell pusher-js which app and host to use, where to authorise, and the channel names."""
        cfg = current_app.config
        host = cfg.get("PUSHER_WS_HOST") or cfg.get("PUSHER_HOST") or None
        port = cfg.get("PUSHER_WS_PORT") or cfg.get("PUSHER_PORT") or None
        return {
            "key": cfg["PUSHER_KEY"],
            "cluster": cfg.get("PUSHER_CLUSTER") or "mt1",
            # None for Pusher Channels: pusher-js then derives the host from the cluster.
            "ws_host": host,
            "ws_port": port,
            "force_tls": bool(cfg.get("PUSHER_SSL", True)),
            "auth_endpoint": url_for("addchat_pusher.auth"),
            "auth_batch_endpoint": url_for("addchat_pusher.auth_batch"),
            "user_channel": user_channel(user.id),
            "everyone_channel": EVERYONE_CHANNEL,
            "chat_channel_prefix": f"presence-{NAMESPACE}.chat.",
            # The pair channel's name with {low} and {high} user ids to fill in (lower id first).
            "chat_channel_template": CHAT_CHANNEL_TEMPLATE.format(kind="presence", low="{low}", high="{high}"),
            "change_event": CHANGE_EVENT,
            "typing_event": TYPING_EVENT,
            "max_event_bytes": MAX_EVENT_BYTES,
        }
