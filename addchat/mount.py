"""The AddChat extension: mounts the chat into a new or an existing Flask app."""

from werkzeug.exceptions import HTTPException

from addchat import (
    access_cli,
    admin,
    cli,
    digest_cli,
    email,
    hardening,
    notification_cli,
    ops,
    settings,
    sqlite,
    stats,
    transports,
)
from addchat.api.access import bp as access_bp
from addchat.api.digests import bp as digests_bp
from addchat.api.notifications import bp as notifications_bp
from addchat.api.views import bp as api_bp
from addchat.context import AddChatState, everyone_can_chat
from addchat.errors import json_http_error, register_json_blueprint
from addchat.extensions import db as default_db
from addchat.extensions import limiter
from addchat.widget import bp as widget_bp

# Settings AddChat owns; a host app gets the package's default (addchat/settings.py) for each it did not set.
# Not RATELIMIT_*: Flask-Limiter reads those app-wide, so a host's own limiter would change with them.
SETTING_PREFIXES = ("ADDCHAT_", "PUSHER_", "SOCKETIO_")


def _default_settings(app):
    """Give a host app every AddChat setting it did not set itself."""
    defaults = settings.Config
    for key in dir(defaults):
        if key.startswith(SETTING_PREFIXES):
            app.config.setdefault(key, getattr(defaults, key))


class AddChat:
    """Flask extension: `AddChat(app, user_model=User)` or `init_app` later."""

    def __init__(self, app=None, **options):
        self.options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app, **overrides):
        """Bind AddChat to the app: state, extensions, blueprints, transports (each mounts its own), CLI.

        Options (given here or to the constructor): user_model (required), db, can_chat, admin_check.
        """
        _default_settings(app)
        options = {**self.options, **overrides}
        if options.get("user_model") is None:
            raise ValueError("AddChat needs user_model: the host site's Flask-Login user class.")
        chat_db = options.get("db") or default_db
        if "sqlalchemy" not in app.extensions:
            chat_db.init_app(app)
        sqlite.tune(app, chat_db)
        app.extensions["addchat"] = AddChatState(
            user_model=options["user_model"],
            db=chat_db,
            can_chat=options.get("can_chat") or everyone_can_chat,
            admin_check=options.get("admin_check"),
            host_http_error_handler=app.error_handler_spec[None][None].get(HTTPException),
        )
        # No app-wide CSRFProtect: AddChat's blueprints check their own tokens (addchat/protect.py),
        # so the host's other forms and routes behave exactly as before.
        ops.init_app(app)  # before the limiter: its hooks must see ours (request id, Retry-After on 503)
        limiter.init_app(app)
        register_json_blueprint(app, api_bp, "/addchat/api")
        register_json_blueprint(app, notifications_bp, "/addchat/api")
        register_json_blueprint(app, access_bp, "/addchat/api")
        register_json_blueprint(app, digests_bp, "/addchat/api")
        email.init_app(app)
        app.register_blueprint(widget_bp, url_prefix="/addchat")
        app.register_blueprint(admin.bp, url_prefix="/addchat/admin")
        app.register_error_handler(HTTPException, json_http_error)
        hardening.init_app(app)
        for command in (*notification_cli.COMMANDS, *access_cli.COMMANDS, *digest_cli.COMMANDS):
            cli.addchat_cli.add_command(command)
        app.cli.add_command(cli.addchat_cli)
        stats.init_app(app)
        transports.init_app(app)
