"""The demo site's sign-in: revocable sessions, throttled attempts, answers that leak nothing.

Each sign-in creates a `UserSession` row with a random token; Flask-Login keeps "<user id>:<token>"
in the signed session and in the remember-me cookie (`User.get_id`), so both change at every
sign-in. Every request that loads the user (all but the poll, which trusts the signed session and
runs one SELECT) checks the row, and so does every socket connect; sign-out deletes the row, so a
copy of either cookie taken before sign-out signs no one in afterwards. Other browsers of the same
user keep their own rows and stay signed in.
"""

import hashlib
import secrets
from functools import cache

from flask import current_app, request
from sqlalchemy import delete, event, select
from werkzeug.security import check_password_hash, generate_password_hash

from addchat.extensions import db
from addchat.models import User, UserSession


def _hash(token):
    """Return the stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user):
    """Record a new sign-in of `user` and make `user.get_id()` name it; the caller commits."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
    user.session_token = token
    return user


def load_user(user_key):
    """Flask-Login's user_loader: the user of a live sign-in "<id>:<token>", else None."""
    user_id, _, token = str(user_key).partition(":")
    if not (user_id.isascii() and user_id.isdigit() and token) or len(user_id) > 18:
        return None
    user = db.session.execute(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(user_id), UserSession.token_hash == _hash(token))
    ).scalar_one_or_none()
    if user is not None:
        user.session_token = token
    return user


@event.listens_for(User, "after_delete")
def _end_sessions_of_deleted_user(mapper, connection, target):
    """A deleted user's sign-ins go with the user row, in the same transaction."""
    connection.execute(delete(UserSession).where(UserSession.user_id == target.id))


def end_session(sender=None, user=None, **extra):
    """On sign-out (Flask-Login's user_logged_out), delete that sign-in's row."""
    token = getattr(user, "session_token", None)
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))
        db.session.commit()


@cache
def _dummy_hash():
    """A password hash to check against when the account does not exist (same work, same time)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email, password):
    """Return the user with this email and password, or None, taking as long either way."""
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def login_email():
    """The account a sign-in attempt names (the per-account throttle's key)."""
    return "login-account:" + request.form.get("email", "").strip().lower()[:255]


def login_address():
    """The client address of a sign-in attempt (the per-address throttle's key)."""
    return f"login-addr:{request.remote_addr}"


def account_limit():
    """Failed sign-ins allowed per account (Flask-Limiter syntax, from config)."""
    return current_app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"]


def address_limit():
    """Failed sign-ins allowed per client address (Flask-Limiter syntax, from config)."""
    return current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"]


def failed(response):
    """Count an attempt against the limits only when it failed (a success redirects)."""
    return request.method == "POST" and response.status_code != 302
