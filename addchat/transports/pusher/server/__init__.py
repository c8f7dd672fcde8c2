"""Built-in Pusher Channels (protocol 7) server, so pusher delivery mode needs no Pusher account."""

from .apps import App, apps_from_config, server_options_from_config
from .server import BackgroundServer, PusherServer, run_server

__all__ = [
    "App",
    "BackgroundServer",
    "PusherServer",
    "apps_from_config",
    "run_server",
    "server_options_from_config",
]
