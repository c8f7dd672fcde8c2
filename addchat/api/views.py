"""API views: parse, call one service, shape the response."""

from flask import current_app, jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from addchat import feed
from addchat.api.auth import login_required_json, session_user_id
from addchat.api.openapi import openapi_document
from addchat.api.parse import int_arg, int_value, json_body, socket_id_header, text_arg
from addchat.context import db_session, notification_types, transport_for
from addchat.errors import error_response, json_blueprint
from addchat.extensions import limiter
from addchat.services import messages, settings
from addchat.services.notify import live_notification_type, notify
from addchat.users import is_admin, public_user

bp = json_blueprint("addchat_api", __name__)


def _send_limit():
    """Read the sending rate limit from config."""
    return current_app.config["ADDCHAT_SEND_RATE_LIMIT"]


def _poll_limit():
    """Read the polling rate limit from config."""
    return current_app.config["ADDCHAT_POLL_RATE_LIMIT"]


def widget_timers(cfg):
    """The widget's timers, from config so that a site (or a test) can tune them."""
    return {
        "settle_ms": cfg["ADDCHAT_PUSH_SETTLE_MS"],
        "safety_poll_ms": cfg["ADDCHAT_PUSH_SAFETY_POLL_MS"],
        "typing_repeat_ms": cfg["ADDCHAT_TYPING_REPEAT_MS"],
        "typing_idle_ms": cfg["ADDCHAT_TYPING_IDLE_MS"],
        "typing_expires_ms": cfg["ADDCHAT_TYPING_TIMEOUT_MS"],
    }


@bp.get("/config")
@login_required_json
def config():
    """Tell the widget who is signed in, where the feed stands, and how to listen."""
    session = db_session()
    # The cursor first: it creates the user's feed row, so a later switch reaches this widget,
    # and a switch committed before it is already in the setting read next.
    cursor = feed.current_cursor(session, current_user.id)
    kind = live_notification_type(session)
    return jsonify(
        notification_type=kind,
        poll_interval_ms=current_app.config["ADDCHAT_POLL_INTERVAL_MS"],
        cursor=cursor,
        user=public_user(current_user),
        csrf_token=generate_csrf(),
        max_body_length=current_app.config["ADDCHAT_MAX_BODY_LENGTH"],
        transport=transport_for(kind).client_config(current_user),
        sync=widget_timers(current_app.config),
    )


@bp.get("/contacts")
@login_required_json
def contacts():
    """List the people the user may chat with."""
    rows = messages.contacts(db_session(), current_user, text_arg("q"))
    return jsonify(contacts=rows)


@bp.get("/conversations/<int:user_id>/messages")
@login_required_json
def history(user_id):
    """Return one page of the conversation with a user."""
    page_size = current_app.config["ADDCHAT_HISTORY_PAGE"]
    rows, has_more = messages.history(
        db_session(),
        current_user,
        user_id,
        before=int_arg("before", minimum=1),
        limit=int_arg("limit", page_size, minimum=1, maximum=100),
    )
    return jsonify(messages=rows, has_more=has_more)


@bp.post("/conversations/<int:user_id>/messages")
@login_required_json
@limiter.limit(_send_limit)
def send(user_id):
    """Store a message to a user; a retried client_id answers 200 with the stored one."""
    data = json_body()
    message, created = messages.post_message(
        db_session(),
        current_user,
        user_id,
        data.get("body"),
        client_id=data.get("client_id"),
        max_length=current_app.config["ADDCHAT_MAX_BODY_LENGTH"],
        origin=socket_id_header(),
    )
    return jsonify(message), 201 if created else 200


@bp.post("/conversations/<int:user_id>/seen")
@login_required_json
def seen(user_id):
    """Mark messages from a user as seen up to an id."""
    up_to_id = int_value(json_body().get("up_to_id"), "up_to_id", minimum=1)
    updated, seen_at = messages.mark_seen(
        db_session(), current_user, user_id, up_to_id, origin=socket_id_header()
    )
    return jsonify(updated=updated, seen_at=seen_at)


@bp.delete("/messages/<int:message_id>")
@login_required_json
def delete(message_id):
    """Soft-delete one of the user's own messages."""
    return jsonify(messages.delete_message(db_session(), current_user, message_id, origin=socket_id_header()))


@bp.get("/poll")
@limiter.limit(_poll_limit)
def poll():
    """Return the user's changes after the cursor: one SELECT on the feed table, nothing else."""
    user_id = session_user_id()
    if user_id is None:
        return error_response(401, "unauthorized", "Sign in to use the chat.")
    cursor = int_arg("cursor", 0)
    # The request's one connection (the one that loaded the user, if anything did): never a second.
    changes, more = feed.changes_since(
        db_session().connection(), user_id, cursor, current_app.config["ADDCHAT_POLL_BATCH"]
    )
    return jsonify(cursor=changes[-1]["seq"] if changes else cursor, changes=changes, more=more)


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document of this API."""
    return jsonify(openapi_document())


@bp.get("/settings")
@login_required_json
def get_settings():
    """Show the live settings to an admin."""
    if not is_admin(current_user):
        return error_response(403, "forbidden", "Only admins can see AddChat settings.")
    return jsonify(notification_type=live_notification_type(db_session()), choices=notification_types())


@bp.post("/settings")
@login_required_json
def change_settings():
    """Switch notification_type at run time; every widget follows through the feed."""
    if not is_admin(current_user):
        return error_response(403, "forbidden", "Only admins can change AddChat settings.")
    value = json_body().get("notification_type")
    session = db_session()
    previous, changes = settings.set_notification_type(
        session, value, current_app.config["ADDCHAT_DEFAULT_NOTIFICATION_TYPE"]
    )
    # Widgets still on the old transport must hear of the switch through it.
    notify(session, changes, via=(previous, value))
    return jsonify(notification_type=value, previous=previous)
