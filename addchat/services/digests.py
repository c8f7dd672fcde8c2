"""Email digests for people who are away: one email per conversation with unseen messages.

A message counts once it stayed unseen for ADDCHAT_DIGEST_DELAY_S. Its recipient is away when no
widget of theirs sent its activity heartbeat (POST /addchat/api/activity, every minute while a
widget is open, visible or not) within ADDCHAT_AWAY_AFTER_S. Each conversation (recipient,
sender) has one addchat_digests row; a sweep claims it with a conditional UPDATE (only where the
last digest is older than the delay and stopped before these messages), so several sweeps at
once send each digest once, and a conversation gets at most one email per delay window.
"""

import logging
import secrets
from datetime import UTC, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from addchat.digest_models import Digest, UserPrefs
from addchat.models import Message, utcnow
from addchat.services.errors import InvalidInput
from addchat.users import public_user, user_model

log = logging.getLogger(__name__)
EXCERPT = 300


def prefs_row(session, user_id):
    """Return the user's prefs row, created with the defaults when missing."""
    row = session.get(UserPrefs, user_id)
    if row is None:
        row = UserPrefs(user_id=user_id, email_digests=True)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            row = session.get(UserPrefs, user_id)
    return row


def get_prefs(session, user_id):
    """Return the user's email choice."""
    row = session.get(UserPrefs, user_id)
    return {"email_digests": True if row is None else row.email_digests}


def set_prefs(session, user_id, email_digests):
    """Turn digests on or off for the user."""
    if not isinstance(email_digests, bool):
        raise InvalidInput("'email_digests' must be true or false.", code="invalid_email_digests")
    prefs_row(session, user_id).email_digests = email_digests
    session.commit()
    return {"email_digests": email_digests}


def touch(session, user_id):
    """Record that a widget of the user is open now (its heartbeat)."""
    prefs_row(session, user_id).last_active_at = utcnow()
    session.commit()


def _pending(session, cutoff):
    """Conversations with messages unseen since before the cutoff: (recipient, sender, newest id)."""
    return session.execute(
        select(Message.recipient_id, Message.sender_id, func.max(Message.id))
        .where(Message.seen_at.is_(None), Message.deleted_at.is_(None), Message.created_at <= cutoff)
        .group_by(Message.recipient_id, Message.sender_id)
    ).all()


def _wanted(session, recipient_id, now, away_after):
    """Tell whether this recipient wants a digest now: digests on, and no widget open lately."""
    row = session.get(UserPrefs, recipient_id)
    if row is None:
        return True
    if not row.email_digests:
        return False
    last = row.last_active_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)  # a value this session wrote itself, before any reload
    return last is None or last <= now - timedelta(seconds=away_after)


def _claim(session, recipient_id, sender_id, newest_id, now, cutoff, token):
    """Claim the conversation's digest; return the id it started after, or None when not ours."""
    if session.get(Digest, (recipient_id, sender_id)) is None:
        session.add(Digest(recipient_id=recipient_id, sender_id=sender_id, last_message_id=0))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # another sweep made it: the UPDATE below decides
    previous = session.execute(
        select(Digest.last_message_id).where(
            Digest.recipient_id == recipient_id, Digest.sender_id == sender_id
        )
    ).scalar_one()
    claimed = session.execute(
        update(Digest)
        .where(
            Digest.recipient_id == recipient_id,
            Digest.sender_id == sender_id,
            Digest.last_message_id == previous,
            Digest.last_message_id < newest_id,
            (Digest.last_sent_at.is_(None)) | (Digest.last_sent_at <= cutoff),
        )
        .values(last_sent_at=now, last_message_id=newest_id, claimed_by=token)
    ).rowcount
    session.commit()
    return previous if claimed == 1 else None


def compose(recipient, sender, messages, site_url):
    """Write the digest: subject and plain-text body, with the link back to the site."""
    name = public_user(sender)["name"]
    count = len(messages)
    subject = f"{count} unread message{'s' if count != 1 else ''} from {name}"
    lines = [f"{name} wrote to you while you were away:", ""]
    for message in messages:
        text = message.body if len(message.body) <= EXCERPT else message.body[:EXCERPT] + "…"
        lines.append(f"[{message.created_at:%Y-%m-%d %H:%M} UTC] {text}")
    lines += ["", f"Reply: {site_url}", "", "You can turn these emails off in the chat's settings."]
    return subject, "\n".join(lines)


def send_digests(session, send, *, delay, away_after, email_field, site_url, now=None):
    """Send every digest due now through send(to, subject, body); return how many were sent."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=delay)
    token = secrets.token_hex(8)
    model, sent = user_model(), 0
    for recipient_id, sender_id, newest_id in _pending(session, cutoff):
        if not _wanted(session, recipient_id, now, away_after):
            continue
        recipient, sender = session.get(model, recipient_id), session.get(model, sender_id)
        address = getattr(recipient, email_field, None) if recipient else None
        if not address or sender is None:
            continue
        after = _claim(session, recipient_id, sender_id, newest_id, now, cutoff, token)
        if after is None:
            continue
        messages = (
            session.execute(
                select(Message)
                .where(
                    Message.recipient_id == recipient_id,
                    Message.sender_id == sender_id,
                    Message.seen_at.is_(None),
                    Message.deleted_at.is_(None),
                    Message.id > after,
                    Message.id <= newest_id,
                )
                .order_by(Message.id)
            )
            .scalars()
            .all()
        )
        subject, body = compose(recipient, sender, messages, site_url)
        try:
            send(address, subject, body)
            sent += 1
        except Exception:
            # Claimed but not delivered: logged; the next window's digest carries newer messages.
            log.exception("Digest to user %s about user %s could not be sent", recipient_id, sender_id)
    return sent
