"""The JSON API under /addchat/api/: the widget's only way into the chat."""

from flask import Blueprint

bp = Blueprint("addchat_api", __name__)

from addchat.api import errors, views  # noqa: E402,F401  (routes register on import)
