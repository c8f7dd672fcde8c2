"""Who is calling: Flask-Login's user for most endpoints, the session id alone for the poll."""

from functools import wraps

from flask import current_app, session
from flask_login import current_user

from addchat.errors import error_response
from addchat.users import is_admin


def login_required_json(view):
    """Like login_required, but answer 401 JSON instead of redirecting (CSRF: errors.json_blueprint)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return error_response(401, "unauthorized", "Sign in to use the chat.")
        return view(*args, **kwargs)

    return wrapped


def admins_only(what):
    """Decorate a view (under login_required_json) to refuse non-admins with 403, before it parses anything."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not is_admin(current_user):
                return error_response(403, "forbidden", f"Only admins can {what}.")
            return view(*args, **kwargs)

        return wrapped

    return decorate


def session_user_id():
    """Return the signed-in user's id without loading the user (the poll's one-query rule).

    Flask-Login's session id may carry a sign-in token after the id ("7:token", the demo's
    revocable sessions); the poll trusts the signed session for it and reads only the id.
    """
    if current_app.config["ADDCHAT_POLL_TRUSTS_SESSION"]:
        raw = str(session.get("_user_id", "")).partition(":")[0]
        if raw.isascii() and raw.isdigit() and len(raw) <= 18:
            return int(raw)
    # No session id (e.g. a remember-me cookie only): let Flask-Login load the user.
    return current_user.id if current_user.is_authenticated else None
