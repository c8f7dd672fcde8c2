"""`flask --app wsgi addchat ...`: seeding the demo and creating tables on host sites."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from addchat.extension import state
from addchat.models import ChatBase, User
from addchat.pusher_server.cli import pusher_server_command

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


addchat_cli.add_command(pusher_server_command)
