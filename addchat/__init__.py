"""AddChat for Flask: a one-to-one chat widget for the users of any Flask site."""

from flask import Flask

from addchat import demo, settings
from addchat.context import IN_CHECKOUT, RESOURCES, db_session
from addchat.demo.auth import load_user
from addchat.extensions import csrf, db, login_manager, migrate
from addchat.models import User
from addchat.mount import AddChat
from addchat.services.notifications import send_notification

__all__ = ["AddChat", "create_app", "notify"]


def _load_config(app, config):
    """Apply a config class, a config name (addchat.settings.CONFIGS), or a dict of overrides."""
    configs = settings.CONFIGS
    if isinstance(config, str):
        config = configs[config]
    if isinstance(config, dict):
        base = configs["testing"] if config.get("TESTING") else configs["development"]
        app.config.from_object(base)
        app.config.update(config)
        return
    config = config or configs["development"]
    if hasattr(config, "check"):
        config.check()
    app.config.from_object(config)


def create_app(config=None):
    """Build the standalone AddChat site: demo host pages, the chat, its admin."""
    app = Flask(
        __name__,
        static_folder=str(RESOURCES / "static"),
        template_folder=str(RESOURCES / "templates"),
        # A checkout keeps its SQLite file in instance/; an installed package uses Flask's default.
        instance_path=str(RESOURCES / "instance") if IN_CHECKOUT else None,
    )
    _load_config(app, config)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(RESOURCES / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "demo.login"
    # The demo site protects its own forms app-wide, as a host site may; AddChat checks its own.
    csrf.init_app(app)

    # "<id>:<token>" of a live sign-in (addchat/demo/auth.py): sign-out revokes the cookies.
    login_manager.user_loader(load_user)
    AddChat(app, user_model=User, db=db)
    app.register_blueprint(demo.bp)
    return app


def notify(users, type, data=None, url=None):  # noqa: A002 (the documented keyword)
    """Notify users (a user, ids, users, or a select of ids) in bulk and live; return its id or None.

    Runs in the host's app context, in AddChat's db session; raises ChatError on bad input.
    """
    notification_id, _count = send_notification(db_session(), users, type, data, url)
    return notification_id
