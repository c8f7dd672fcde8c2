"""The pusher transport: the official pusher library triggers feed changes on private channels
(named in channels.py).

Pusher's limits shape `publish`: at most 10 events per batch request, at most 10 KB of data
per event. A change too large for one event goes out as a reference the widget fetches
through the poll. A trigger that fails is logged and dropped: the change is already in the
feed, and every widget catches up through its cursor.
"""

import json
import logging
import sys

import pusher
import requests
from flask import current_app, url_for

from addchat import stats
from addchat.cli import addchat_cli
from addchat.errors import register_json_blueprint
from addchat.transports.base import Transport
from addchat.transports.pusher import auth
from addchat.transports.pusher.channels import (
    CHANGE_EVENT,
    CHAT_CHANNEL_TEMPLATE,
    EVERYONE_CHANNEL,
    NAMESPACE,
    TYPING_EVENT,
    USER_CHANNEL_RE,
    user_channel,
)
from addchat.transports.pusher.protocol import MAX_BATCH_EVENTS, MAX_EVENT_BYTES
from addchat.transports.pusher.server.cli import pusher_server_command

log = logging.getLogger(__name__)


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


def describe(error):
    """Say in a few words why the Pusher server's HTTP API failed (no URL: it carries a signature)."""
    if isinstance(error, requests.exceptions.ConnectTimeout | requests.exceptions.ReadTimeout):
        return "no answer in time"
    if isinstance(error, requests.exceptions.ConnectionError):
        return "cannot connect (is `flask addchat pusher-server` running?)"
    if isinstance(error, pusher.errors.PusherBadAuth | pusher.errors.PusherForbidden):
        return f"it refused these credentials ({error})"[:200]
    return f"{type(error).__name__}: {error}"[:200]


class PusherTransport(Transport):
    """Trigger through Pusher Channels or any Pusher-protocol server (the built-in one by default)."""

    name = "pusher"
    summary = (
        "Pushed by Pusher Channels or the built-in Pusher-protocol server: news in well under a second, "
        "with typing and presence; the connections live in that server (about 15 KiB each), not in the "
        "web server; needs its credentials and the server running (flask addchat pusher-server)."
    )

    def __init__(self):
        self.client = None
        # The same app with a short timeout, for the admin page's look at the server.
        self.probe = None

    def init_app(self, app):
        """Mount channel auth and the built-in server's command; create the client."""
        register_json_blueprint(app, auth.bp, "/addchat/pusher")
        addchat_cli.add_command(pusher_server_command)
        self.connect(app.config)

    def connect(self, cfg):
        """Create the Pusher client from the PUSHER_* settings (again, when they change)."""
        self.missing = [
            name for name in ("PUSHER_APP_ID", "PUSHER_KEY", "PUSHER_SECRET") if not cfg.get(name)
        ]
        options = {
            "app_id": str(cfg.get("PUSHER_APP_ID") or ""),
            "key": cfg.get("PUSHER_KEY") or "",
            "secret": cfg.get("PUSHER_SECRET") or "",
            "host": cfg.get("PUSHER_HOST") or None,
            "port": cfg.get("PUSHER_PORT") or None,
            "ssl": cfg.get("PUSHER_SSL", True),
            "cluster": cfg.get("PUSHER_CLUSTER"),
        }
        self.client = pusher.Pusher(timeout=cfg.get("PUSHER_TIMEOUT", 5), **options)
        self.probe = pusher.Pusher(timeout=cfg.get("ADDCHAT_PUSHER_PROBE_TIMEOUT", 2), **options)
        self.server_name = options["host"] or f"Pusher Channels ({options['cluster']})"
        if options["host"] and options["port"]:
            self.server_name = f"{options['host']}:{options['port']}"

    def channels(self, info=()):
        """List AddChat's occupied channels through the server's HTTP API (the admin page's look)."""
        return self.probe.channels_info(prefix_filter=f"private-{NAMESPACE}.", attributes=list(info))[
            "channels"
        ]

    def unavailable_reason(self, environ):
        """Refuse without credentials, or when the Pusher server does not answer its HTTP API."""
        if self.missing:
            return f"Pusher credentials are missing: set {', '.join(self.missing)}."
        try:
            self.channels()
        except Exception as error:  # noqa: BLE001 - any failure means widgets could not connect either
            return f"The Pusher server at {self.server_name} does not answer: {describe(error)}."
        return None

    def live_stats(self):
        """Count connections (subscriptions of the everyone channel) and online users (occupied user channels)."""
        if self.missing:
            return {"error": "no credentials"}
        try:
            try:
                channels = self.channels(info=("subscription_count",))
            except pusher.errors.PusherBadRequest:
                channels = self.channels()  # Pusher Channels without subscription counting enabled
        except Exception as error:  # noqa: BLE001 - shown on the dashboard as it is
            return {"error": describe(error)}
        return {
            "connections": channels.get(EVERYONE_CHANNEL, {}).get("subscription_count"),
            "online_users": sum(1 for name in channels if USER_CHANNEL_RE.match(name)),
            "scope": self.server_name,
        }

    def publish(self, changes, origin=None):
        """Trigger every change on its channel, in batches of ten; log what fails, lose nothing."""
        events = change_events(changes, origin)
        for start in range(0, len(events), MAX_BATCH_EVENTS):
            batch = events[start : start + MAX_BATCH_EVENTS]
            try:
                # already_encoded: the data is a JSON string checked against the limit above.
                self.client.trigger_batch(batch, already_encoded=True)
            except Exception as error:
                # Committed in the feed already: widgets catch up through their cursor.
                stats.push_failed(self.name, error)
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
            # The pair channel's name with {low} and {high} user ids to fill in (lower id first).
            "chat_channel_template": CHAT_CHANNEL_TEMPLATE.format(
                kind="presence", low="{low}", high="{high}"
            ),
            "change_event": CHANGE_EVENT,
            "typing_event": TYPING_EVENT,
            "max_event_bytes": MAX_EVENT_BYTES,
        }
