"""`flask --app wsgi addchat send`: a message from outside the web server, pushed via the queue."""

import click
from flask import current_app
from flask.cli import with_appcontext

from addchat.extension import db_session
from addchat.services.errors import ChatError
from addchat.services.messages import post_message
from addchat.services.notify import live_notification_type
from addchat.users import user_model


@click.command("send")
@click.argument("sender_id", type=int)
@click.argument("recipient_id", type=int)
@click.argument("body")
@with_appcontext
def send_command(sender_id, recipient_id, body):
    """Send BODY from one user to another (a worker, a cron job): stored, then pushed live."""
    session = db_session()
    sender = session.get(user_model(), sender_id)
    if sender is None:
        raise click.ClickException(f"No user {sender_id}.")
    kind = live_notification_type(session)
    if kind == "socketio" and not current_app.config.get("SOCKETIO_MESSAGE_QUEUE"):
        click.echo(
            "SOCKETIO_MESSAGE_QUEUE is not set: the message is stored, but this process cannot reach "
            "the server's sockets; widgets will fetch it at their next catch-up.",
            err=True,
        )
    try:
        message, _ = post_message(
            session, sender, recipient_id, body, max_length=current_app.config["ADDCHAT_MAX_BODY_LENGTH"]
        )
    except ChatError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Message {message['id']} stored at seq {message['seq']}, published via {kind}.")
