"""Pusher channels, the one place their names and rules live (the widget gets the names from config).

Channel scheme (README, "Pusher mode"):
  private-addchat.user.{id}            feed changes for one user (only that user may join)
  private-addchat.all                  changes addressed to everyone (any signed-in user)
  presence-addchat.chat.{low}.{high}   one per pair of users who may chat: its members say
                                       who is online, `client-typing` events carry typing
  private-addchat.chat.{low}.{high}    the same pair without presence, for typing only

Who may join (the rules behind POST /addchat/pusher/auth): a user may join their own feed channel, the everyone channel, and the channel of a pair
they belong to when the host's `can_chat` policy lets both sides chat. Presence therefore
only ever shows a user the people they may chat with: each pair has its own presence
channel with exactly two possible members, so no member list reveals a third person.
"""

import re

from addchat.services.errors import Forbidden, InvalidInput
from addchat.transports.pusher.protocol import CHANNEL_NAME_RE, MAX_CHANNEL_NAME
from addchat.users import may_chat, public_user, user_model

NAMESPACE = "addchat"
EVERYONE_CHANNEL = f"private-{NAMESPACE}.all"
CHAT_CHANNEL_TEMPLATE = "{kind}-" + NAMESPACE + ".chat.{low}.{high}"
CHANGE_EVENT = "change"
TYPING_EVENT = "client-typing"

ID = r"([1-9][0-9]{0,17})"
USER_CHANNEL_RE = re.compile(rf"\Aprivate-{NAMESPACE}\.user\.{ID}\Z")
CHAT_CHANNEL_RE = re.compile(rf"\A(private|presence)-{NAMESPACE}\.chat\.{ID}\.{ID}\Z")
OUR_PREFIXES = (f"private-{NAMESPACE}.", f"presence-{NAMESPACE}.")


def user_channel(user_id):
    """Name the private channel only this user may subscribe to."""
    return f"private-{NAMESPACE}.user.{user_id}"


def chat_channel(user_id, peer_id, presence=True):
    """Name the channel only these two users may join (lower id first)."""
    low, high = sorted((int(user_id), int(peer_id)))
    return CHAT_CHANNEL_TEMPLATE.format(kind="presence" if presence else "private", low=low, high=high)


def valid_channel_name(name):
    """Apply Pusher's own rule for any channel name (the protocol's length and alphabet)."""
    return isinstance(name, str) and 0 < len(name) <= MAX_CHANNEL_NAME and bool(CHANNEL_NAME_RE.match(name))


def pair_allowed(user, peer):
    """Apply the host's policy both ways: a pair channel needs each side allowed."""
    return may_chat(user, peer) and may_chat(peer, user)


def presence_member(user):
    """Describe a presence member as pusher-js shows it: user_id and user_info {name, avatar}."""
    info = public_user(user)
    return {"user_id": str(user.id), "user_info": {"name": info["name"], "avatar": info["avatar"]}}


def check_channel(session, user, channel_name):
    """Allow `user` into a channel or raise; return the presence member data, or None."""
    if not valid_channel_name(channel_name):
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
