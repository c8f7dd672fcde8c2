"""`flask addchat send-digests`: the sweep a cron job or scheduler runs (safe in several processes)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from addchat.context import db_session
from addchat.email import send_email
from addchat.services.digests import send_digests


@click.command("send-digests")
@with_appcontext
def send_digests_command():
    """Email people who are away one summary per conversation of what they have not seen."""
    cfg = current_app.config
    sent = send_digests(
        db_session(),
        send_email,
        delay=cfg["ADDCHAT_DIGEST_DELAY_S"],
        away_after=cfg["ADDCHAT_AWAY_AFTER_S"],
        email_field=cfg["ADDCHAT_USER_EMAIL_FIELD"],
        site_url=cfg["ADDCHAT_SITE_URL"],
    )
    click.echo(f"{sent} digest(s) sent.")


COMMANDS = (send_digests_command,)
