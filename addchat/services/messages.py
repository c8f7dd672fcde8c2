"""Sending, reading, seeing, editing and deleting messages; each commits, then notifies."""

from datetime import UTC, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from addchat import feed
from addchat.models import Message, utcnow
from addchat.services.errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge
from addchat.services.notify import notify
from addchat.users import candidates, get_peer, host_allows, public_user


def quote_json(message):
    """Shape the message a reply quotes: who wrote it and its text (none once deleted)."""
    return {
        "id": message.id,
        "from_id": message.sender_id,
        "body": "" if message.deleted_at else message.body,
        "deleted": message.deleted_at is not None,
    }


def message_json(message, reply_to=None):
    """Shape a message as every endpoint and transport sends it (reply_to: the quoted Message)."""
    return {
        "id": message.id,
        "from_id": message.sender_id,
        "to_id": message.recipient_id,
        "body": "" if message.deleted_at else message.body,
        "created_at": iso(message.created_at),
        "seen_at": iso(message.seen_at),
        "seq": message.seq,
        "client_id": message.client_id,
        "deleted": message.deleted_at is not None,
        "edited_at": iso(message.edited_at),
        "reply_to_id": message.reply_to_id,
        "reply_to": quote_json(reply_to) if reply_to is not None else None,
    }


def aware(moment):
    """Read a stored time as aware UTC (some drivers hand back naive UTC values)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def iso(moment):
    """Format an aware UTC datetime as ISO 8601 with a Z, or None."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def clean_body(body, max_length):
    """Check a message body: text, not blank, not longer than the limit."""
    if not isinstance(body, str):
        raise InvalidInput("'body' must be a string.", code="invalid_body")
    if not body.strip():
        raise InvalidInput("'body' must not be empty.", code="empty_body")
    if len(body) > max_length:
        raise TooLarge(f"'body' is longer than {max_length} characters.")
    return body


def clean_client_id(client_id):
    """Check the widget's idempotency key: optional, a short string."""
    if client_id is None:
        return None
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= 64:
        raise InvalidInput("'client_id' must be a string of 1 to 64 characters.", code="invalid_client_id")
    return client_id


def _find_by_client_id(session, sender_id, client_id):
    """Return the message this sender already stored under client_id, if any."""
    return session.execute(
        select(Message).where(Message.sender_id == sender_id, Message.client_id == client_id)
    ).scalar_one_or_none()


def _replay(session, existing, recipient_id, body):
    """Return a retried send's stored message JSON (with its quote), or refuse a reused key."""
    if existing.recipient_id != recipient_id or existing.body != body:
        raise Conflict("This client_id was already used for another message.", code="client_id_reused")
    quoted = session.get(Message, existing.reply_to_id) if existing.reply_to_id is not None else None
    return message_json(existing, quoted), False


def reply_target(session, sender_id, recipient_id, reply_to_id):
    """Return the message of this conversation a reply quotes, or refuse an unknown one."""
    if reply_to_id is None:
        return None
    target = session.get(Message, reply_to_id)
    if target is None or {target.sender_id, target.recipient_id} != {sender_id, recipient_id}:
        raise NotFound(f"No message {reply_to_id} in this conversation.", code="unknown_reply_to")
    return target


def post_message(
    session, sender, recipient_id, body, client_id=None, max_length=5000, origin=None, reply_to_id=None
):
    """Store a message (optionally a reply) and its feed changes; return (message JSON, created)."""
    body = clean_body(body, max_length)
    client_id = clean_client_id(client_id)
    sender_id = sender.id
    get_peer(session, sender, recipient_id)
    quoted = reply_target(session, sender_id, recipient_id, reply_to_id)
    # No look-up of client_id first: the unique constraint catches a retry, so a new send saves
    # that round trip and a retry costs one rollback.
    positions = feed.take_positions(session, [recipient_id, sender_id])
    message = Message(
        sender_id=sender_id,
        recipient_id=recipient_id,
        body=body,
        client_id=client_id,
        seq=positions[recipient_id],
        created_at=utcnow(),
        reply_to_id=quoted.id if quoted is not None else None,
    )
    session.add(message)
    try:
        session.flush()
    except IntegrityError:
        # A retry with the same client_id (earlier or concurrent): answer with the stored message.
        session.rollback()
        if client_id is None:
            raise
        return _replay(session, _find_by_client_id(session, sender_id, client_id), recipient_id, body)
    data = message_json(message, quoted)
    changes = feed.append(session, positions, "message", data)
    session.commit()
    notify(session, changes, origin=origin)
    return data, True


def pair_filter(user_id, peer_id):
    """Match the messages between two users, both directions."""
    return or_(
        and_(Message.sender_id == user_id, Message.recipient_id == peer_id),
        and_(Message.sender_id == peer_id, Message.recipient_id == user_id),
    )


def history(session, user, peer_id, before=None, limit=30):
    """Return one page of a conversation, oldest first, and whether older pages exist."""
    get_peer(session, user, peer_id)
    stmt = select(Message).where(pair_filter(user.id, peer_id))
    if before is not None:
        stmt = stmt.where(Message.id < before)
    rows = session.execute(stmt.order_by(Message.id.desc()).limit(limit + 1)).scalars().all()
    page = rows[:limit]
    quoted = replied_messages(session, page)
    return [message_json(m, quoted.get(m.reply_to_id)) for m in reversed(page)], len(rows) > limit


def replied_messages(session, messages):
    """Load the messages a page's replies quote, in one query: {id: Message}."""
    ids = {m.reply_to_id for m in messages if m.reply_to_id is not None}
    if not ids:
        return {}
    return {m.id: m for m in session.execute(select(Message).where(Message.id.in_(ids))).scalars()}


def edit_message(session, user, message_id, body, max_length=5000, window_s=900, origin=None):
    """Change the body of one of the user's own messages within the edit window; both sides learn it."""
    message = session.get(Message, message_id)
    if message is None or user.id not in (message.sender_id, message.recipient_id):
        raise NotFound(f"No message {message_id} of yours.", code="unknown_message")
    if message.sender_id != user.id:
        raise Forbidden("Only the sender can edit a message.")
    if message.deleted_at is not None:
        raise Conflict("A deleted message cannot be edited.", code="message_deleted")
    if utcnow() - aware(message.created_at) > timedelta(seconds=window_s):
        raise Conflict(
            f"Messages can be edited for {window_s} seconds after sending.", code="edit_window_passed"
        )
    body = clean_body(body, max_length)
    quoted = session.get(Message, message.reply_to_id) if message.reply_to_id is not None else None
    if body == message.body:
        return message_json(message, quoted)
    message.body = body
    message.edited_at = utcnow()
    data = message_json(message, quoted)
    changes = feed.record(session, "message_edited", data, [message.recipient_id, user.id])
    session.commit()
    notify(session, changes, origin=origin)
    return data


def mark_seen(session, reader, sender_id, up_to_id, origin=None):
    """Mark the sender's messages to the reader up to an id as seen; return (count, seen_at)."""
    get_peer(session, reader, sender_id)
    target = session.get(Message, up_to_id)
    if target is None or target.sender_id != sender_id or target.recipient_id != reader.id:
        raise NotFound(f"No message {up_to_id} from user {sender_id} to you.", code="unknown_message")
    positions = feed.take_positions(session, [sender_id, reader.id])
    seen_at = utcnow()
    updated = session.execute(
        update(Message)
        .where(
            Message.sender_id == sender_id,
            Message.recipient_id == reader.id,
            Message.id <= up_to_id,
            Message.seen_at.is_(None),
        )
        .values(seen_at=seen_at)
    ).rowcount
    if not updated:
        # Nothing new was seen: release the position without writing a change.
        session.rollback()
        return 0, None
    data = {"reader_id": reader.id, "sender_id": sender_id, "up_to_id": up_to_id, "seen_at": iso(seen_at)}
    changes = feed.append(session, positions, "seen", data)
    session.commit()
    notify(session, changes, origin=origin)
    return updated, iso(seen_at)


def delete_message(session, user, message_id, origin=None):
    """Soft-delete one of the user's own messages; both sides learn it through the feed."""
    message = session.get(Message, message_id)
    if message is None or user.id not in (message.sender_id, message.recipient_id):
        raise NotFound(f"No message {message_id} of yours.", code="unknown_message")
    if message.sender_id != user.id:
        raise Forbidden("Only the sender can delete a message.")
    if message.deleted_at is not None:
        return message_json(message)
    positions = feed.take_positions(session, [message.recipient_id, user.id])
    message.deleted_at = utcnow()
    data = {"id": message.id, "from_id": message.sender_id, "to_id": message.recipient_id}
    changes = feed.append(session, positions, "message_deleted", data)
    session.commit()
    notify(session, changes, origin=origin)
    return message_json(message)


def contacts(session, user, query_text="", limit=50):
    """List people the user may chat with, with unread counts and the last message."""
    people = [
        person
        # Groups and blocks are applied in the SELECT; the host's own policy per person.
        for person in session.execute(candidates(user, query_text, session).limit(500)).scalars()
        if host_allows(user, person)
    ]
    ids = [p.id for p in people]
    if not ids:
        return []
    unread = dict(
        session.execute(
            select(Message.sender_id, func.count())
            .where(
                Message.recipient_id == user.id,
                Message.seen_at.is_(None),
                Message.deleted_at.is_(None),
                Message.sender_id.in_(ids),
            )
            .group_by(Message.sender_id)
        ).all()
    )
    peer = func.coalesce(func.nullif(Message.sender_id, user.id), Message.recipient_id).label("peer_id")
    last_ids = (
        select(peer, func.max(Message.id).label("last_id"))
        .where(or_(Message.sender_id == user.id, Message.recipient_id == user.id))
        .group_by(peer)
        .subquery()
    )
    last_messages = {
        m.sender_id if m.sender_id != user.id else m.recipient_id: m
        for m in session.execute(select(Message).join(last_ids, Message.id == last_ids.c.last_id)).scalars()
    }
    rows = []
    for person in people:
        last = last_messages.get(person.id)
        rows.append(
            {
                **public_user(person),
                "unread": unread.get(person.id, 0),
                "last_message": message_json(last) if last else None,
            }
        )
    rows.sort(key=lambda r: (-(r["last_message"]["id"] if r["last_message"] else 0), r["name"].lower()))
    return rows[:limit]
