"""The pusher transport: the official pusher library triggers on private user channels."""

import pusher
from flask import current_app

from addchat.transports.base import Transport


def user_channel(user_id):
    """Name the private channel only this user may subscribe to."""
    return f"private-addchat.user.{user_id}"


class PusherTransport(Transport):
    """Trigger through Pusher Channels or any Pusher-protocol server."""

    name = "pusher"

    def __init__(self):
        self.client = None

    def init_app(self, app):
        """Create the Pusher client from the four settings."""
        cfg = app.config
        self.client = pusher.Pusher(
            app_id=str(cfg["PUSHER_APP_ID"]),
            key=cfg["PUSHER_KEY"],
            secret=cfg["PUSHER_SECRET"],
            host=cfg.get("PUSHER_HOST") or None,
            port=cfg.get("PUSHER_PORT") or None,
            ssl=cfg.get("PUSHER_SSL", True),
            cluster=cfg.get("PUSHER_CLUSTER"),
            timeout=5,
        )

    def publish(self, changes):
        """Trigger each change on its user's private channel."""
        for change in changes:
            if change.user_id != 0:
                self.client.trigger(user_channel(change.user_id), "change", change.to_json())

    def client_config(self, user):
        """Tell pusher-js which app and host to use and where to authorise."""
        cfg = current_app.config
        return {
            "key": cfg["PUSHER_KEY"],
            "cluster": cfg["PUSHER_CLUSTER"],
            "ws_host": cfg.get("PUSHER_HOST"),
            "ws_port": cfg.get("PUSHER_PORT"),
            "force_tls": cfg.get("PUSHER_SSL", True),
            "auth_endpoint": "/addchat/pusher/auth",
            "channel": user_channel(user.id),
        }
