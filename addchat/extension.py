"""The AddChat extension: mounts the chat into a new or an existing Flask app."""

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from addchat.extensions import csrf, limiter, socketio
from addchat.extensions import db as default_db
from addchat.transports import build_transports

ROOT = Path(__file__).resolve().parent.parent
# Paths whose errors are JSON, never an HTML page or a redirect.
JSON_PREFIXES = ("/addchat/api/", "/addchat/pusher/")


def everyone_can_chat(user, peer):
    """Default policy: every signed-in user may chat with every other user."""
    return True


@dataclass
class AddChatState:
    """What AddChat keeps per app, in app.extensions["addchat"]."""

    user_model: Any
    db: Any
    can_chat: Callable = everyone_can_chat
    admin_check: Callable | None = None
    transports: dict = field(default_factory=dict)


def state():
    """Return the AddChat state of the current app."""
    return current_app.extensions["addchat"]


def db_session():
    """Return the database session AddChat works in (the host's, when it passed its db)."""
    return state().db.session


def db_engine():
    """Return the engine AddChat reads through when it needs no ORM session (the poll)."""
    return state().db.engine


def json_http_error(error):
    """Answer HTTP errors on AddChat's JSON paths with JSON, others as Flask would."""
    if not request.path.startswith(JSON_PREFIXES):
        return error
    code = (error.name or "error").lower().replace(" ", "_")
    message = error.description or error.name
    return jsonify(error={"code": code, "message": message}), error.code


def project_config():
    """Load this project's config.py by path: a host site's own `config` module may shadow the name."""
    module = sys.modules.get("addchat_project_config")
    if module is None:
        spec = importlib.util.spec_from_file_location("addchat_project_config", ROOT / "config.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def _default_settings(app):
    """Give a host app every AddChat setting it did not set itself."""
    Config = project_config().Config  # noqa: N806  (the class, as config.py names it)

    for key in dir(Config):
        if key.startswith(("ADDCHAT_", "PUSHER_", "SOCKETIO_", "RATELIMIT_")):
            app.config.setdefault(key, getattr(Config, key))


class AddChat:
    """Flask extension: `AddChat(app, user_model=User)` or `init_app` later."""

    def __init__(self, app=None, **options):
        self.options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app, **overrides):
        """Bind AddChat to the app: state, extensions, blueprints, socket handlers, CLI.

        Options (given here or to the constructor): user_model (required), db, can_chat, admin_check.
        """
        from addchat import admin, api, cli, hardening, pusher, realtime, widget

        _default_settings(app)
        options = {**self.options, **overrides}
        if options.get("user_model") is None:
            raise ValueError("AddChat needs user_model: the host site's Flask-Login user class.")
        chat_db = options.get("db") or default_db
        if "sqlalchemy" not in app.extensions:
            chat_db.init_app(app)
        app.extensions["addchat"] = AddChatState(
            user_model=options["user_model"],
            db=chat_db,
            can_chat=options.get("can_chat") or everyone_can_chat,
            admin_check=options.get("admin_check"),
        )
        csrf.init_app(app)
        limiter.init_app(app)
        socketio.init_app(app, **realtime.socketio_options(app))
        realtime.init_app(app)
        app.extensions["addchat"].transports = build_transports(app)
        app.register_blueprint(api.bp, url_prefix="/addchat/api")
        app.register_blueprint(widget.bp, url_prefix="/addchat")
        app.register_blueprint(admin.bp, url_prefix="/addchat/admin")
        app.register_blueprint(pusher.bp, url_prefix="/addchat/pusher")
        app.register_error_handler(HTTPException, json_http_error)
        hardening.init_app(app)
        app.cli.add_command(cli.addchat_cli)
