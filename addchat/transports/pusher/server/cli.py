"""The `flask --app wsgi addchat pusher-server` command, reading the PUSHER_* Flask config keys."""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from .apps import apps_from_config, server_options_from_config
from .server import run_server


@click.command("pusher-server")
@click.option("--host", default=None, help="Overrides PUSHER_SERVER_HOST (default 127.0.0.1).")
@click.option(
    "--port",
    type=int,
    default=None,
    help="Overrides PUSHER_SERVER_PORT (default 6001).",
)
@click.option(
    "--redis-url",
    default=None,
    help="Overrides PUSHER_SERVER_REDIS_URL (share state between instances).",
)
@with_appcontext
def pusher_server_command(host, port, redis_url):
    """Run the built-in Pusher-protocol server for pusher delivery mode."""
    config = current_app.config
    options = server_options_from_config(config)
    try:
        apps = apps_from_config(config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    host = host or options["host"]
    port = port or options["port"]
    try:
        run_server(
            apps,
            host=host,
            port=port,
            redis_url=redis_url or options["redis_url"],
            compress=options["compress"],
        )
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc}") from exc
