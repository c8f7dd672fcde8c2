"""AddChat for Flask: a one-to-one chat widget for the users of any Flask site."""

from flask import Flask

from addchat import demo
from addchat.context import ROOT, db_session, project_config
from addchat.extensions import db, login_manager, migrate
from addchat.models import User
from addchat.mount import AddChat
from addchat.services.notifications import send_notification

__all__ = ["AddChat", "create_app", "notify"]


def _load_config(app, config):
    """Apply a config class, a config name, or a dict of overrides."""
    configs = project_config().CONFIGS
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
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    _load_config(app, config)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "demo.login"

    @login_manager.user_loader
    def load_user(user_id):
        """Load the signed-in user from the session's id."""
        return db.session.get(User, int(user_id))

    AddChat(app, user_model=User, db=db)
    app.register_blueprint(demo.bp)
    return app


def notify(users, type, data=None, url=None):  # noqa: A002 (the documented keyword)
    """Notify users (a user, ids, users, or a select of ids) in bulk and live; return its id or None.

    Runs in the host's app context, in AddChat's db session; raises ChatError on bad input.
    """
    notification_id, _count = send_notification(db_session(), users, type, data, url)
    return notification_id
