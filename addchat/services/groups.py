"""Admin-defined groups: create, delete, members, links. Every change tells all widgets to reload
their contacts (one "access" change for everyone), since who may chat with whom has changed."""

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from addchat import feed
from addchat.access_models import Group, GroupLink, GroupMember
from addchat.services.errors import Conflict, InvalidInput, NotFound
from addchat.services.notify import notify
from addchat.users import user_model

CHANGE = "access"


def clean_name(name):
    """Check a group name: 1 to 64 characters of text, trimmed."""
    if not isinstance(name, str) or len(name) > 64 or not name.strip():
        raise InvalidInput("'name' must be 1 to 64 characters.", code="invalid_name")
    return name.strip()


def group_json(session, group):
    """Shape a group with its members and the groups it is linked to."""
    members = session.execute(
        select(GroupMember.user_id).where(GroupMember.group_id == group.id).order_by(GroupMember.user_id)
    ).scalars()
    links = session.execute(
        select(GroupLink.low_id, GroupLink.high_id).where(
            (GroupLink.low_id == group.id) | (GroupLink.high_id == group.id)
        )
    ).all()
    linked = sorted(high if low == group.id else low for low, high in links)
    return {"id": group.id, "name": group.name, "members": list(members), "linked": linked}


def list_groups(session):
    """List every group with members and links."""
    return [group_json(session, g) for g in session.execute(select(Group).order_by(Group.name)).scalars()]


def find(session, key):
    """Load a group by id (int) or by name (str), or raise NotFound."""
    if isinstance(key, int) and not isinstance(key, bool):
        group = session.get(Group, key)
    else:
        group = session.execute(select(Group).where(Group.name == str(key))).scalar_one_or_none()
    if group is None:
        raise NotFound(f"No group {key}.", code="unknown_group")
    return group


def _changed(session):
    """Commit, and tell every widget that who may chat with whom changed."""
    changes = feed.record(session, CHANGE, {}, [feed.EVERYONE])
    session.commit()
    notify(session, changes)


def create_group(session, name):
    """Create a group; a taken name is a 409."""
    name = clean_name(name)
    if session.execute(select(func.count()).where(Group.name == name)).scalar():
        raise Conflict(f"A group named {name!r} exists.", code="group_exists")
    group = Group(name=name)
    session.add(group)
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(f"A group named {name!r} exists.", code="group_exists") from error
    _changed(session)
    return group_json(session, group)


def delete_group(session, key):
    """Delete a group with its memberships and links."""
    group = find(session, key)
    session.execute(delete(GroupMember).where(GroupMember.group_id == group.id))
    session.execute(delete(GroupLink).where((GroupLink.low_id == group.id) | (GroupLink.high_id == group.id)))
    session.delete(group)
    _changed(session)


def clean_user_ids(session, user_ids):
    """Check a list of 1 to 1000 existing user ids."""
    if not isinstance(user_ids, list) or not 1 <= len(user_ids) <= 1000:
        raise InvalidInput("'user_ids' must list 1 to 1000 user ids.", code="invalid_user_ids")
    # 7.0 is 7, as JSON counts it (and as every other id the API reads).
    user_ids = [int(i) if isinstance(i, float) and i.is_integer() else i for i in user_ids]
    if any(isinstance(i, bool) or not isinstance(i, int) for i in user_ids):
        raise InvalidInput("'user_ids' must list user ids.", code="invalid_user_ids")
    model = user_model()
    found = set(session.execute(select(model.id).where(model.id.in_(set(user_ids)))).scalars())
    missing = sorted(set(user_ids) - found)
    if missing:
        raise NotFound(f"No user {missing[0]}.", code="unknown_user")
    return sorted(found)


def add_members(session, key, user_ids):
    """Add users to a group (those already in stay)."""
    group = find(session, key)
    wanted = clean_user_ids(session, user_ids)
    present = set(
        session.execute(
            select(GroupMember.user_id).where(
                GroupMember.group_id == group.id, GroupMember.user_id.in_(wanted)
            )
        ).scalars()
    )
    session.add_all(GroupMember(group_id=group.id, user_id=uid) for uid in wanted if uid not in present)
    _changed(session)
    return group_json(session, group)


def remove_member(session, key, user_id):
    """Take a user out of a group."""
    group = find(session, key)
    session.execute(
        delete(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == user_id)
    )
    _changed(session)
    return group_json(session, group)


def link(session, key, other_key, linked=True):
    """Let members of two groups chat with each other (or stop it, linked=False)."""
    a, b = find(session, key), find(session, other_key)
    if a.id == b.id:
        raise InvalidInput("Members of one group may always chat; link two groups.", code="self_link")
    low, high = sorted((a.id, b.id))
    there = session.get(GroupLink, (low, high)) is not None
    if linked and not there:
        session.add(GroupLink(low_id=low, high_id=high))
    elif not linked and there:
        session.execute(delete(GroupLink).where(GroupLink.low_id == low, GroupLink.high_id == high))
    _changed(session)
    return group_json(session, a)
