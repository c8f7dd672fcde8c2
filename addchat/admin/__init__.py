"""The admin panel: what each notification_type costs and needs, the switch (refused when a mode's
server is missing), the settings an admin changes without a restart, and a live dashboard. Works on
any host site: its own templates (templates/addchat/admin/, with their own base layout) and static."""

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from addchat.admin import dashboard
from addchat.api.auth import login_required_json
from addchat.context import RESOURCES, db_session, state
from addchat.errors import error_response
from addchat.services.settings import live_settings
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
    """Show each notification_type with its trade-off and availability, the settings, the dashboard."""
    if not is_admin(current_user):
        return render_template("addchat/admin/forbidden.html", home=host_has_home()), 403
    choices = [
        (name, transport.summary, transport.unavailable_reason(request.environ))
        for name, transport in state().transports.items()
    ]
    return render_template(
        "addchat/admin/index.html",
        home=host_has_home(),
        live=live_settings(db_session(), current_app.config),
        choices=choices,
        csrf=generate_csrf(),
    )


@bp.get("/stats")
@login_required_json
def stats():
    """The dashboard's numbers as JSON, for the admin page to refresh while it is open (admins only)."""
    if not is_admin(current_user):
        return error_response(403, "forbidden", "Only admins can see AddChat's dashboard.")
    response = jsonify(dashboard.snapshot(db_session()))
    response.cache_control.no_store = True
    return response
