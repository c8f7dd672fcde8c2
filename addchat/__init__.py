"""AddChat for Flask: a one-to-one chat widget for the users of any Flask site."""

from flask import Flask

from addchat.extension import ROOT, AddChat

__all__ = ["AddChat", "create_app"]


def _load_config(app, config):
    """Apply a config class, a config name, or a dict of overrides."""
    from addchat.extension import project_config

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
    from addchat import demo
    from addchat.demo.auth import load_user
    from addchat.extensions import db, login_manager, migrate
    from addchat.models import User

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

    # "<id>:<token>" of a live sign-in (addchat/demo/auth.py): sign-out revokes the cookies.
    login_manager.user_loader(load_user)
    AddChat(app, user_model=User, db=db)
    app.register_blueprint(demo.bp)
    return app
