"""Who is calling: Flask-Login's user for most endpoints, the session id alone for the poll."""

from functools import wraps

from flask import current_app, session
from flask_login import current_user

from addchat.errors import error_response


def login_required_json(view):
    """Like login_required, but answer 401 JSON instead of redirecting to a login page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return error_response(401, "unauthorized", "Sign in to use the chat.")
        return view(*args, **kwargs)

    return wrapped


def session_user_id():
    """Return the signed-in user's id without loading the user (the poll's one-query rule)."""
    if current_app.config["ADDCHAT_POLL_TRUSTS_SESSION"]:
        raw = session.get("_user_id")
        if raw is not None:
            try:
                return int(raw)
            except (TypeError, ValueError):
                pass
    # No session id (e.g. a remember-me cookie only): let Flask-Login load the user.
    return current_user.id if current_user.is_authenticated else None
