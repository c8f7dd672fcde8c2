"""Blocking: a user blocks or unblocks another; both users' open widgets learn it through the feed."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from addchat import feed
from addchat.access_models import Block
from addchat.services import access
from addchat.services.errors import Forbidden, NotFound
from addchat.services.notify import notify
from addchat.users import public_user, user_model

# The feed change both users get: their widgets reload contacts and drop presence and typing.
CHANGE = "block"


def blocked_users(session, user_id):
    """List the people this user blocked (so the widget can offer to unblock them)."""
    model = user_model()
    rows = session.execute(
        select(model)
        .join(Block, Block.blocked_id == model.id)
        .where(Block.blocker_id == user_id)
        .order_by(model.id)
    ).scalars()
    return [public_user(person) for person in rows]


def _target(session, user, peer_id):
    """Load the person to (un)block: anyone who exists, except oneself."""
    if peer_id == user.id:
        raise Forbidden("You cannot block yourself.", code="self_block")
    peer = session.get(user_model(), peer_id)
    if peer is None:
        raise NotFound(f"No user {peer_id}.", code="unknown_user")
    return peer


def block(session, user, peer_id, origin=None):
    """Block a user; return True when the block is new (blocking twice changes nothing)."""
    _target(session, user, peer_id)
    if session.get(Block, (user.id, peer_id)) is not None:
        return False
    data = {"blocker_id": user.id, "blocked_id": peer_id, "blocked": True}
    changes = feed.record(session, CHANGE, data, [user.id, peer_id])
    session.add(Block(blocker_id=user.id, blocked_id=peer_id))
    try:
        session.commit()
    except IntegrityError:
        # The same block from another tab won the race: it is there, which is what was asked.
        session.rollback()
        return False
    notify(session, changes, origin=origin)
    return True


def unblock(session, user, peer_id, origin=None):
    """Lift one's own block; return True when there was one."""
    _target(session, user, peer_id)
    if session.get(Block, (user.id, peer_id)) is None:
        return False
    data = {"blocker_id": user.id, "blocked_id": peer_id, "blocked": False}
    changes = feed.record(session, CHANGE, data, [user.id, peer_id])
    if not access.unblock_rows(session, user.id, peer_id):
        session.rollback()
        return False
    session.commit()
    notify(session, changes, origin=origin)
    return True
