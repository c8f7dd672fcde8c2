"""The admin page: one click switches notification_type, no restart."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from addchat.extension import db_session
from addchat.services.notify import live_notification_type
from addchat.services.settings import NOTIFICATION_TYPES
from addchat.users import is_admin

bp = Blueprint("addchat_admin", __name__)


@bp.get("/")
@login_required
def index():
    """Show the live notification_type and the switch."""
    if not is_admin(current_user):
        return render_template("admin/forbidden.html"), 403
    return render_template(
        "admin/index.html",
        notification_type=live_notification_type(db_session()),
        choices=NOTIFICATION_TYPES,
    )
