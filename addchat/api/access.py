"""Blocking (every user) and groups (admins) under /addchat/api/: parse, call one service, answer."""

from flask import jsonify
from flask_login import current_user

from addchat.api.auth import admins_only, login_required_json
from addchat.api.parse import int_value, json_body, socket_id_header
from addchat.context import db_session
from addchat.errors import json_blueprint
from addchat.services import blocks, groups

bp = json_blueprint("addchat_access", __name__)


@bp.get("/blocks")
@login_required_json
def list_blocks():
    """List the people the user blocked."""
    return jsonify(blocked=blocks.blocked_users(db_session(), current_user.id))


@bp.post("/blocks")
@login_required_json
def block():
    """Block a user: neither may then chat with, or see the typing or presence of, the other."""
    user_id = int_value(json_body("user_id").get("user_id"), "user_id", minimum=1)
    created = blocks.block(db_session(), current_user, user_id, origin=socket_id_header())
    return jsonify(user_id=user_id, blocked=True), 201 if created else 200


@bp.delete("/blocks/<id:user_id>")
@login_required_json
def unblock(user_id):
    """Lift the user's own block of someone."""
    removed = blocks.unblock(db_session(), current_user, user_id, origin=socket_id_header())
    return jsonify(user_id=user_id, blocked=False, removed=removed)


manage_groups = admins_only("manage groups")


@bp.get("/groups")
@login_required_json
@manage_groups
def list_groups():
    """List groups, their members and links (admins)."""
    return jsonify(groups=groups.list_groups(db_session()))


@bp.post("/groups")
@login_required_json
@manage_groups
def create_group():
    """Create a group (admins)."""
    return jsonify(groups.create_group(db_session(), json_body("name").get("name"))), 201


@bp.delete("/groups/<id:group_id>")
@login_required_json
@manage_groups
def delete_group(group_id):
    """Delete a group (admins)."""
    groups.delete_group(db_session(), group_id)
    return jsonify(deleted=group_id)


@bp.post("/groups/<id:group_id>/members")
@login_required_json
@manage_groups
def add_members(group_id):
    """Add users to a group (admins)."""
    return jsonify(groups.add_members(db_session(), group_id, json_body("user_ids").get("user_ids")))


@bp.delete("/groups/<id:group_id>/members/<id:user_id>")
@login_required_json
@manage_groups
def remove_member(group_id, user_id):
    """Take a user out of a group (admins)."""
    return jsonify(groups.remove_member(db_session(), group_id, user_id))


@bp.post("/groups/<id:group_id>/links")
@login_required_json
@manage_groups
def link(group_id):
    """Let this group's members and another group's chat with each other (admins)."""
    other = int_value(json_body("group_id").get("group_id"), "group_id", minimum=1)
    return jsonify(groups.link(db_session(), group_id, other))


@bp.delete("/groups/<id:group_id>/links/<id:other_id>")
@login_required_json
@manage_groups
def unlink(group_id, other_id):
    """Stop two groups' members chatting (admins)."""
    return jsonify(groups.link(db_session(), group_id, other_id, linked=False))
