"""The host site's user table, seen through the field names configured for it."""

from flask import current_app
from sqlalchemy import select

from addchat.context import db_session, state
from addchat.services import access
from addchat.services.errors import Forbidden, NotFound


def user_model():
    """Return the host's user model class."""
    return state().user_model


def public_user(user):
    """Shape a user as the widget shows it: id, name, avatar."""
    cfg = current_app.config
    return {
        "id": user.id,
        "name": getattr(user, cfg["ADDCHAT_USER_NAME_FIELD"], None) or f"User {user.id}",
        "avatar": getattr(user, cfg["ADDCHAT_USER_AVATAR_FIELD"], None),
    }


def is_admin(user):
    """Tell whether this user may change AddChat's settings."""
    check = state().admin_check
    if check is not None:
        return bool(check(user))
    return bool(getattr(user, current_app.config["ADDCHAT_USER_ADMIN_FIELD"], False))


def get_peer(session, user, peer_id):
    """Load the user `user` wants to chat with, or raise NotFound."""
    if user.id == peer_id:
        raise Forbidden("You cannot chat with yourself.", code="self_chat")
    peer = session.get(user_model(), peer_id)
    # Groups and the host's policy hide a person altogether (404: their existence must not leak);
    # a block is between two people who know each other, so it says so (403).
    if peer is None or not access.groups_allow(session, user.id, peer.id) or not host_allows(user, peer):
        raise NotFound(f"No user {peer_id} you can chat with.", code="unknown_user")
    if access.is_blocked(session, user.id, peer.id):
        raise Forbidden("You cannot chat with this user: one of you blocked the other.", code="blocked")
    return peer


def may_chat(user, peer, session=None):
    """The one rule of who may chat with whom: no block, groups allow it, then the host's can_chat."""
    session = session or db_session()
    return (
        not access.is_blocked(session, user.id, peer.id)
        and access.groups_allow(session, user.id, peer.id)
        and host_allows(user, peer)
    )


def host_allows(user, peer):
    """Apply the host site's own policy (`can_chat`), on top of groups and blocks."""
    return bool(state().can_chat(user, peer))


def name_column():
    """Return the column used to search users by name."""
    return getattr(user_model(), current_app.config["ADDCHAT_USER_NAME_FIELD"])


def candidates(user, query_text, session=None):
    """Build the SELECT of people `user` may chat with (groups and blocks applied), filtered by name."""
    model = user_model()
    stmt = access.restrict(
        session or db_session(), select(model).where(model.id != user.id), user.id, model.id
    )
    if query_text:
        escaped = query_text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(name_column().ilike(f"%{escaped}%", escape="\\"))
    return stmt


def chat_peers(session, user, peer_ids):
    """Check every id is a user `user` may chat with (as get_peer does, in one query)."""
    model = user_model()
    wanted = set(peer_ids) - {user.id}
    found = session.execute(select(model).where(model.id.in_(wanted))).scalars().all() if wanted else []
    allowed = {peer.id for peer in found if may_chat(user, peer)}
    refused = sorted(set(peer_ids) - allowed)
    if refused:
        raise NotFound(f"No user {refused[0]} you can chat with.", code="unknown_user")
    return sorted(allowed)
