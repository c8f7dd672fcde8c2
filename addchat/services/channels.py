"""Who may join which pusher channel: the rules behind POST /addchat/pusher/auth.

A user may join their own feed channel, the everyone channel, and the channel of a pair
they belong to when the host's `can_chat` policy lets both sides chat. Presence therefore
only ever shows a user the people they may chat with: each pair has its own presence
channel with exactly two possible members, so no member list reveals a third person.
"""

import re

from addchat.services.errors import Forbidden, InvalidInput
from addchat.transports.pusher import EVERYONE_CHANNEL, NAMESPACE, user_channel
from addchat.users import may_chat, public_user, user_model

ID = r"([1-9][0-9]{0,17})"
USER_CHANNEL_RE = re.compile(rf"\Aprivate-{NAMESPACE}\.user\.{ID}\Z")
CHAT_CHANNEL_RE = re.compile(rf"\A(private|presence)-{NAMESPACE}\.chat\.{ID}\.{ID}\Z")
OUR_PREFIXES = (f"private-{NAMESPACE}.", f"presence-{NAMESPACE}.")
# Pusher's own rule for any channel name (200 characters of this alphabet).
PUSHER_CHANNEL_RE = re.compile(r"\A[A-Za-z0-9_\-=@,.;]{1,200}\Z")


def pair_allowed(user, peer):
    """Apply the host's policy both ways: a pair channel needs each side allowed."""
    return may_chat(user, peer) and may_chat(peer, user)


def presence_member(user):
    """Describe a presence member as pusher-js shows it: user_id and user_info {name, avatar}."""
    info = public_user(user)
    return {"user_id": str(user.id), "user_info": {"name": info["name"], "avatar": info["avatar"]}}


def check_channel(session, user, channel_name):
    """Allow `user` into a channel or raise; return the presence member data, or None."""
    if not isinstance(channel_name, str) or not PUSHER_CHANNEL_RE.match(channel_name):
        raise InvalidInput("'channel_name' is not a valid channel name.", code="invalid_channel_name")
    if channel_name == EVERYONE_CHANNEL:
        return None
    if not channel_name.startswith(OUR_PREFIXES):
        raise Forbidden("This is not an AddChat channel.", code="channel_forbidden")
    if USER_CHANNEL_RE.match(channel_name):
        if channel_name != user_channel(user.id):
            raise Forbidden("This is another user's channel.", code="channel_forbidden")
        return None
    match = CHAT_CHANNEL_RE.match(channel_name)
    if match is None:
        raise InvalidInput("Unknown AddChat channel name.", code="invalid_channel_name")
    kind, low, high = match.group(1), int(match.group(2)), int(match.group(3))
    if low >= high:
        raise InvalidInput("A chat channel names the lower user id first.", code="invalid_channel_name")
    if user.id not in (low, high):
        raise Forbidden("You are not in this conversation.", code="channel_forbidden")
    peer = session.get(user_model(), high if user.id == low else low)
    if peer is None or not pair_allowed(user, peer):
        raise Forbidden("You may not chat with this user.", code="channel_forbidden")
    return presence_member(user) if kind == "presence" else None
