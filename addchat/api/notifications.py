"""Notification routes under /addchat/api/notifications: parse, call one service, shape the answer.

A user only ever reaches their own notifications: every query is keyed by the signed-in user's
id, so another user's notification id answers 404 exactly like one that never existed.
"""

from flask import jsonify
from flask_login import current_user

from addchat.api.auth import login_required_json
from addchat.api.parse import int_arg, socket_id_header
from addchat.context import db_session
from addchat.errors import json_blueprint
from addchat.services import notifications

bp = json_blueprint("addchat_notifications", __name__)

PAGE, MOST = 20, 100


@bp.get("/notifications")
@login_required_json
def list_notifications():
    """Return one page of the user's notifications, newest first."""
    rows, has_more = notifications.list_notifications(
        db_session(),
        current_user.id,
        before=int_arg("before", minimum=1),
        limit=int_arg("limit", PAGE, minimum=1, maximum=MOST),
    )
    return jsonify(notifications=rows, has_more=has_more)


@bp.get("/notifications/unread-count")
@login_required_json
def unread_count():
    """Count the user's unread notifications."""
    return jsonify(unread=notifications.unread_count(db_session(), current_user.id))


@bp.post("/notifications/<id:notification_id>/read")
@login_required_json
def read(notification_id):
    """Mark one notification read."""
    session = db_session()
    row = notifications.mark_read(session, current_user.id, notification_id, origin=socket_id_header())
    return jsonify(notification=row, unread=notifications.unread_count(session, current_user.id))


@bp.post("/notifications/read-all")
@login_required_json
def read_all():
    """Mark every notification of the user read."""
    updated = notifications.mark_all_read(db_session(), current_user.id, origin=socket_id_header())
    return jsonify(updated=updated, unread=0)


@bp.delete("/notifications/<id:notification_id>")
@login_required_json
def delete(notification_id):
    """Delete one of the user's notifications."""
    unread = notifications.delete_notification(
        db_session(), current_user.id, notification_id, origin=socket_id_header()
    )
    return jsonify(deleted=notification_id, unread=unread)
