"""Email digest preferences and the widget's activity heartbeat under /addchat/api/."""

from flask import jsonify
from flask_login import current_user

from addchat.api.auth import login_required_json
from addchat.api.parse import json_body
from addchat.context import db_session
from addchat.errors import json_blueprint
from addchat.services import digests

bp = json_blueprint("addchat_digests", __name__)


@bp.get("/preferences")
@login_required_json
def get_preferences():
    """Tell whether the user gets email digests of what they missed."""
    return jsonify(digests.get_prefs(db_session(), current_user.id))


@bp.post("/preferences")
@login_required_json
def set_preferences():
    """Turn email digests on or off."""
    return jsonify(
        digests.set_prefs(db_session(), current_user.id, json_body("email_digests").get("email_digests"))
    )


@bp.post("/activity")
@login_required_json
def activity():
    """An open widget's heartbeat: while it comes, no digest email is sent to this user."""
    digests.touch(db_session(), current_user.id)
    return jsonify(ok=True)
