"""Who may chat with whom: blocks between two users and admin-defined groups.

The rule, applied by users.may_chat on every path (contacts, history, sending, seen, typing,
presence, Socket.IO events, Pusher channel auth), before the host's own `can_chat`:
  - a pair where either user blocked the other may not chat;
  - while no group exists, everyone else may; once one exists, two users may chat when they
    share a group or when one's group is linked to the other's (links work both ways), so a
    user in no group reaches no one.
"""

from sqlalchemy import and_, delete, exists, or_, select, union

from addchat.access_models import Block, Group, GroupLink, GroupMember


def groups_enabled(session):
    """Tell whether any group exists (then groups restrict everyone)."""
    return session.execute(select(exists().where(Group.id.is_not(None)))).scalar()


def reachable_groups(user_id):
    """Build the SELECT of groups whose members this user may reach: own groups and linked ones."""
    own = select(GroupMember.group_id).where(GroupMember.user_id == user_id)
    return union(
        own,
        select(GroupLink.high_id).where(GroupLink.low_id.in_(own)),
        select(GroupLink.low_id).where(GroupLink.high_id.in_(own)),
    )


def reachable_users(user_id):
    """Build the SELECT of user ids in groups this user may reach."""
    groups = reachable_groups(user_id).subquery()
    return select(GroupMember.user_id).where(GroupMember.group_id.in_(select(groups.c[0])))


def blocked_ids(user_id):
    """Build the SELECT of users this user blocked or was blocked by."""
    return union(
        select(Block.blocked_id).where(Block.blocker_id == user_id),
        select(Block.blocker_id).where(Block.blocked_id == user_id),
    )


def restrict(session, statement, user_id, id_column):
    """Narrow a SELECT of users to those `user_id` may chat with (groups and blocks)."""
    blocked = blocked_ids(user_id).subquery()
    statement = statement.where(id_column.not_in(select(blocked.c[0])))
    if groups_enabled(session):
        statement = statement.where(id_column.in_(reachable_users(user_id)))
    return statement


def is_blocked(session, user_id, peer_id):
    """Tell whether either of the two blocked the other."""
    return session.execute(
        select(
            exists().where(
                or_(
                    and_(Block.blocker_id == user_id, Block.blocked_id == peer_id),
                    and_(Block.blocker_id == peer_id, Block.blocked_id == user_id),
                )
            )
        )
    ).scalar()


def groups_allow(session, user_id, peer_id):
    """Apply the groups rule to a pair (everyone may chat while no group exists)."""
    if not groups_enabled(session):
        return True
    return session.execute(
        select(
            exists().where(
                GroupMember.user_id == peer_id, GroupMember.group_id.in_(reachable_groups(user_id))
            )
        )
    ).scalar()


def unblock_rows(session, blocker_id, blocked_id):
    """Delete a block; return how many rows went."""
    return session.execute(
        delete(Block).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)
    ).rowcount
