"""API views: parse, call one service, shape the response."""

from flask import current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from addchat import feed
from addchat.api.auth import admins_only, login_required_json, session_user_id
from addchat.api.openapi import openapi_document
from addchat.api.parse import IdConverter, int_arg, int_value, json_body, socket_id_header, text_arg
from addchat.context import db_session, notification_types, transport_for
from addchat.errors import error_response, json_blueprint
from addchat.extensions import limiter
from addchat.services import messages, settings
from addchat.services.notify import notify
from addchat.users import public_user

bp = json_blueprint("addchat_api", __name__)
# `<id:...>` in routes: ASCII digits up to 10^18-1; registered before the routes below are added.
bp.record_once(lambda setup: setup.app.url_map.converters.setdefault("id", IdConverter))


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
    # and a switch committed before it is already in the settings read next.
    cursor = feed.current_cursor(session, current_user.id)
    live = settings.live_settings(session, current_app.config)
    kind = live["notification_type"]
    return jsonify(
        notification_type=kind,
        poll_interval_ms=live["poll_interval_ms"],
        cursor=cursor,
        user=public_user(current_user),
        csrf_token=generate_csrf(),
        max_body_length=live["max_body_length"],
        # An admin's title and accent colour ("": the widget's own), set in the admin panel.
        widget={"title": live["widget_title"], "color": live["widget_color"]},
        edit_window_s=current_app.config["ADDCHAT_EDIT_WINDOW_S"],
        transport=transport_for(kind).client_config(current_user),
        sync=widget_timers(current_app.config),
    )


@bp.get("/contacts")
@login_required_json
def contacts():
    """List the people the user may chat with."""
    rows = messages.contacts(db_session(), current_user, text_arg("q"))
    return jsonify(contacts=rows)


@bp.get("/conversations/<id:user_id>/messages")
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


@bp.post("/conversations/<id:user_id>/messages")
@login_required_json
@limiter.limit(_send_limit)
def send(user_id):
    """Store a message to a user; a retried client_id answers 200 with the stored one."""
    data = json_body("body", "client_id", "reply_to_id")
    session = db_session()
    reply_to_id = data.get("reply_to_id")
    if reply_to_id is not None:
        reply_to_id = int_value(reply_to_id, "reply_to_id", minimum=1)
    message, created = messages.post_message(
        session,
        current_user,
        user_id,
        data.get("body"),
        client_id=data.get("client_id"),
        max_length=settings.live_settings(session, current_app.config)["max_body_length"],
        origin=socket_id_header(),
        reply_to_id=reply_to_id,
    )
    return jsonify(message), 201 if created else 200


@bp.post("/conversations/<id:user_id>/seen")
@login_required_json
def seen(user_id):
    """Mark messages from a user as seen up to an id."""
    up_to_id = int_value(json_body("up_to_id").get("up_to_id"), "up_to_id", minimum=1)
    updated, seen_at = messages.mark_seen(
        db_session(), current_user, user_id, up_to_id, origin=socket_id_header()
    )
    return jsonify(updated=updated, seen_at=seen_at)


@bp.delete("/messages/<id:message_id>")
@login_required_json
def delete(message_id):
    """Soft-delete one of the user's own messages."""
    return jsonify(messages.delete_message(db_session(), current_user, message_id, origin=socket_id_header()))


@bp.patch("/messages/<id:message_id>")
@login_required_json
@limiter.limit(_send_limit)
def edit(message_id):
    """Edit one of the user's own messages within the edit window."""
    cfg, session = current_app.config, db_session()
    return jsonify(
        messages.edit_message(
            session,
            current_user,
            message_id,
            json_body("body").get("body"),
            max_length=settings.live_settings(session, cfg)["max_body_length"],
            window_s=cfg["ADDCHAT_EDIT_WINDOW_S"],
            origin=socket_id_header(),
        )
    )


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


def settings_json(live):
    """Shape the live settings, the choices and why any cannot be chosen, for an admin."""
    return {
        **live,
        "choices": notification_types(),
        "unavailable": {
            name: reason
            for name in notification_types()
            if (reason := transport_for(name).unavailable_reason(request.environ))
        },
    }


@bp.get("/settings")
@login_required_json
@admins_only("see AddChat settings")
def get_settings():
    """Show the live settings to an admin, with the transports that cannot be chosen now and why."""
    return jsonify(settings_json(settings.live_settings(db_session(), current_app.config)))


@bp.post("/settings")
@login_required_json
@admins_only("change AddChat settings")
def change_settings():
    """Change settings at run time (notification_type, poll interval, body limit, widget title and colour).

    A bad value answers 400 and writes nothing; a transport whose server is missing answers 409.
    Every widget follows through the feed.
    """
    session = db_session()
    previous, live, changes = settings.update_settings(
        session,
        json_body("notification_type", *settings.EDITABLE),
        current_app.config,
        lambda name: transport_for(name).unavailable_reason(request.environ),
    )
    # Widgets still on the old transport must hear of a switch through it.
    notify(session, changes, via=(previous["notification_type"], live["notification_type"]))
    return jsonify({**live, "previous": previous["notification_type"]})
