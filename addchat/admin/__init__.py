"""The admin page: one click switches notification_type, no restart. Works on any host site:
its own templates (templates/addchat/admin/, with their own base layout) and its own static files."""

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from addchat.context import RESOURCES, db_session, state
from addchat.services.notify import live_notification_type
from addchat.users import is_admin

bp = Blueprint(
    "addchat_admin",
    __name__,
    template_folder=str(RESOURCES / "templates"),
    static_folder=str(RESOURCES / "static" / "addchat" / "admin"),
    static_url_path="/static",
)


def host_has_home():
    """Tell whether the host site serves `/`, so the admin page may link back to it."""
    return any(rule.rule == "/" for rule in current_app.url_map.iter_rules())


@bp.get("/")
@login_required
def index():
    """Show the live notification_type, what each choice means, and the switch."""
    if not is_admin(current_user):
        return render_template("addchat/admin/forbidden.html", home=host_has_home()), 403
    return render_template(
        "addchat/admin/index.html",
        home=host_has_home(),
        notification_type=live_notification_type(db_session()),
        choices=[(name, transport.summary) for name, transport in state().transports.items()],
        csrf=generate_csrf(),
    )
