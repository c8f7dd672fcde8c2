"""`flask --app wsgi addchat ...`: seeding the demo, creating tables on host sites, sending from outside.

Transports add their own commands to this group in their `init_app` (e.g. `pusher-server`).
"""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from addchat.context import db_session, state, transport_for
from addchat.models import ChatBase, User
from addchat.services.errors import ChatError
from addchat.services.messages import post_message
from addchat.services.notify import live_notification_type
from addchat.users import user_model

DEMO_USERS = [
    ("Alice Martin", "alice@example.com", True),
    ("Bob Chen", "bob@example.com", False),
    ("Carol Diaz", "carol@example.com", False),
    ("Dave Okafor", "dave@example.com", False),
]
DEMO_PASSWORD = "demo"


@click.group("addchat")
def addchat_cli():
    """AddChat commands."""


@addchat_cli.command("seed-demo")
@with_appcontext
def seed_demo():
    """Create the demo users (password 'demo'); running it again changes nothing."""
    session = state().db.session
    created = 0
    for name, email, is_admin in DEMO_USERS:
        if session.execute(select(User.id).where(User.email == email)).first():
            continue
        user = User(name=name, email=email, is_admin=is_admin)
        user.set_password(DEMO_PASSWORD)
        session.add(user)
        created += 1
    session.commit()
    click.echo(f"Demo users: {created} created, {len(DEMO_USERS) - created} already there.")


@addchat_cli.command("create-tables")
@with_appcontext
def create_tables():
    """Create AddChat's own tables in a host site's database (sites without migrations)."""
    chat_tables = [t for name, t in ChatBase.metadata.tables.items() if name.startswith("addchat_")]
    ChatBase.metadata.create_all(state().db.engine, tables=chat_tables)
    click.echo(f"Created {len(chat_tables)} AddChat tables where missing.")


@addchat_cli.command("send")
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
    reason = transport_for(kind).unreachable_reason(current_app.config)
    if reason:
        click.echo(
            f"{reason}: the message is stored, and widgets will fetch it at their next catch-up.", err=True
        )
    try:
        message, _ = post_message(
            session, sender, recipient_id, body, max_length=current_app.config["ADDCHAT_MAX_BODY_LENGTH"]
        )
    except ChatError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Message {message['id']} stored at seq {message['seq']}, published via {kind}.")
