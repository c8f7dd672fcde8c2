"""`flask addchat notify ...`: operators and cron jobs notify users from outside the web server."""

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from addchat.context import db_session, transport_for
from addchat.services.errors import ChatError
from addchat.services.notifications import send_notification
from addchat.services.notify import live_notification_type


@click.command("notify")
@click.argument("user_ids", nargs=-1, required=True, type=int)
@click.argument("kind", metavar="TYPE")
@click.option("--data", "data", default="{}", help='A JSON object, e.g. \'{"title": "Hi"}\'.')
@click.option("--url", default=None, help="Where clicking the notification leads (http(s) or /path).")
@with_appcontext
def notify_command(user_ids, kind, data, url):
    """Notify USER_ID... with a TYPE notification: stored, then pushed live."""
    try:
        parsed = json.loads(data)
    except ValueError as error:
        raise click.ClickException(f"--data is not JSON: {error}") from error
    session = db_session()
    name = live_notification_type(session)
    reason = transport_for(name).unreachable_reason(current_app.config)
    if reason:
        click.echo(f"{reason}: stored, and widgets will fetch it at their next catch-up.", err=True)
    try:
        notification_id, count = send_notification(session, list(user_ids), kind, parsed, url)
    except ChatError as error:
        raise click.ClickException(error.message) from error
    if notification_id is None:
        raise click.ClickException("None of these users exists; nothing was stored.")
    click.echo(f"Notification {notification_id} stored for {count} user(s), published via {name}.")


COMMANDS = (notify_command,)
