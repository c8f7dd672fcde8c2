"""AddChat's CSRF check, on its own endpoints only: a host's other routes behave as they did before.

Flask-WTF's `CSRFProtect.init_app` would check every POST of the host's whole app (its own forms
without a Flask-WTF token would start answering 400), so AddChat never binds it on a host: its JSON
blueprints check the token themselves (errors.json_blueprint) with Flask-WTF's `validate_csrf`,
which needs nothing but the app's SECRET_KEY and session.
"""

from flask import current_app, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Where the widget, pusher-js and Laravel Echo send the token (the header), or a plain form (the field).
TOKEN_HEADERS = ("X-CSRFToken", "X-CSRF-Token")


def check_csrf():
    """Refuse a write that carries no valid CSRF token of this session (CSRFError, answered 400)."""
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    token = next((request.headers[name] for name in TOKEN_HEADERS if request.headers.get(name)), None)
    try:
        validate_csrf(token or request.form.get("csrf_token"))
    except ValidationError as error:
        raise CSRFError(error.args[0]) from error


def check_csrf_after_sign_in():
    """Check CSRF for signed-in callers; an anonymous write is answered 401 by the view (nothing written).

    Reads (the poll above all: one SELECT and nothing else) never load the user here.
    """
    if request.method not in SAFE_METHODS and current_user.is_authenticated:
        check_csrf()
