"""`flask addchat groups ...`: admins define groups and which groups may chat, from a shell."""

import json

import click
from flask.cli import with_appcontext

from addchat.context import db_session
from addchat.services import groups
from addchat.services.errors import ChatError


def _key(value):
    """A group given by id (digits) or by name."""
    return int(value) if value.isdigit() else value


def _run(action):
    """Run a service call, turning a refusal into a clean CLI error."""
    try:
        return action()
    except ChatError as error:
        raise click.ClickException(error.message) from error


@click.group("groups")
def groups_cli():
    """Groups: members of one group may chat; linked groups may chat with each other."""


@groups_cli.command("list")
@with_appcontext
def list_command():
    """Print every group as JSON lines: id, name, members, linked groups."""
    for group in groups.list_groups(db_session()):
        click.echo(json.dumps(group))


@groups_cli.command("create")
@click.argument("name")
@with_appcontext
def create_command(name):
    """Create the group NAME (once any group exists, groups restrict everyone)."""
    group = _run(lambda: groups.create_group(db_session(), name))
    click.echo(f"Group {group['id']} {group['name']!r} created.")


@groups_cli.command("delete")
@click.argument("group")
@with_appcontext
def delete_command(group):
    """Delete GROUP (id or name) with its members and links."""
    _run(lambda: groups.delete_group(db_session(), _key(group)))
    click.echo(f"Group {group} deleted.")


@groups_cli.command("add")
@click.argument("group")
@click.argument("user_ids", nargs=-1, required=True, type=int)
@with_appcontext
def add_command(group, user_ids):
    """Add USER_IDS to GROUP."""
    result = _run(lambda: groups.add_members(db_session(), _key(group), list(user_ids)))
    click.echo(f"Group {result['name']!r}: members {result['members']}.")


@groups_cli.command("remove")
@click.argument("group")
@click.argument("user_id", type=int)
@with_appcontext
def remove_command(group, user_id):
    """Take USER_ID out of GROUP."""
    result = _run(lambda: groups.remove_member(db_session(), _key(group), user_id))
    click.echo(f"Group {result['name']!r}: members {result['members']}.")


@groups_cli.command("link")
@click.argument("group")
@click.argument("other")
@with_appcontext
def link_command(group, other):
    """Let members of GROUP and OTHER chat with each other."""
    result = _run(lambda: groups.link(db_session(), _key(group), _key(other)))
    click.echo(f"Group {result['name']!r} linked to {result['linked']}.")


@groups_cli.command("unlink")
@click.argument("group")
@click.argument("other")
@with_appcontext
def unlink_command(group, other):
    """Stop members of GROUP and OTHER chatting."""
    result = _run(lambda: groups.link(db_session(), _key(group), _key(other), linked=False))
    click.echo(f"Group {result['name']!r} linked to {result['linked']}.")


COMMANDS = (groups_cli,)
