"""Pusher apps (id, key, secret) the built-in server accepts, read from plain values or Flask config."""

from dataclasses import dataclass

from addchat.ops.websocket import compression_enabled
from addchat.transports.pusher.channels import EVERYONE_CHANNEL


@dataclass(frozen=True)
class App:
    """One Pusher app: clients connect with its key, servers sign with its secret.

    server_only_channels carry the server's triggers only: client events there are refused.
    """

    id: str
    key: str
    secret: str
    server_only_channels: frozenset = frozenset()


class AppRegistry:
    """Look apps up by key (WebSocket) or by id (HTTP API)."""

    def __init__(self, apps):
        self._by_key = {}
        self._by_id = {}
        for app in apps:
            if not isinstance(app, App):
                app = App(str(app["id"]), str(app["key"]), str(app["secret"]))
            self._by_key[app.key] = app
            self._by_id[app.id] = app
        if not self._by_id:
            raise ValueError("the Pusher server needs at least one app (id, key, secret)")

    def by_key(self, key):
        return self._by_key.get(key)

    def by_id(self, app_id):
        return self._by_id.get(app_id)

    def __iter__(self):
        return iter(self._by_id.values())


def apps_from_config(config):
    """The single app named by PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET in a Flask config."""
    missing = [name for name in ("PUSHER_APP_ID", "PUSHER_KEY", "PUSHER_SECRET") if not config.get(name)]
    if missing:
        raise ValueError("missing config: " + ", ".join(missing))
    return [
        App(
            str(config["PUSHER_APP_ID"]),
            str(config["PUSHER_KEY"]),
            str(config["PUSHER_SECRET"]),
            # AddChat's everyone channel: any signed-in user joins it, so none may send on it.
            server_only_channels=frozenset({EVERYONE_CHANNEL}),
        )
    ]


def server_options_from_config(config):
    """Host, port and Redis URL of the built-in server from Flask config, with defaults."""
    return {
        "host": config.get("PUSHER_SERVER_HOST") or "127.0.0.1",
        "port": int(config.get("PUSHER_SERVER_PORT") or 6001),
        "redis_url": config.get("PUSHER_SERVER_REDIS_URL") or None,
        "compress": compression_enabled(config),
    }
