"""The JSON API under /addchat/api/: the widget's only way into the chat."""

from flask import Blueprint

from addchat.api.parse import IdConverter
from addchat.extensions import csrf

bp = Blueprint("addchat_api", __name__)
# `<id:...>` in routes: ASCII digits up to 2^62; registered before the routes below are added.
bp.record_once(lambda setup: setup.app.url_map.converters.setdefault("id", IdConverter))
# CSRF is checked by login_required_json after the sign-in check: anonymous writes answer 401.
csrf.exempt(bp)

from addchat.api import errors, views  # noqa: E402,F401  (routes register on import)
