"""POST /addchat/pusher/auth: pusher-js asks here before joining a private or presence channel.

POST /addchat/pusher/user-auth signs the user's data for pusher:signin (protocol 7 user
authentication): the connection then receives what the server sends to that user.

POST /addchat/pusher/auth/batch signs many channels of one socket in one request: the widget
joins a presence channel per contact, and one request per channel would cost a page view dozens.
"""

from flask import current_app, jsonify, request
from flask_login import current_user

from addchat.api.auth import login_required_json
from addchat.api.parse import SOCKET_ID_RE, json_body
from addchat.context import db_session, transport_for
from addchat.errors import error_body, error_response, json_blueprint
from addchat.extensions import limiter
from addchat.services.errors import ChatError
from addchat.transports.pusher.channels import check_channel, presence_member

bp = json_blueprint("addchat_pusher", __name__)


def _auth_limit():
    """Read the channel-auth rate limit from config (pusher-js re-authorises on every reconnect)."""
    return current_app.config["ADDCHAT_AUTH_RATE_LIMIT"]


def checked_socket_id(value):
    """Return a pusher socket_id, or None when it does not look like one."""
    return value if isinstance(value, str) and SOCKET_ID_RE.match(value) else None


@bp.post("/auth")
@login_required_json
@limiter.limit(_auth_limit)
def auth():
    """Sign the subscription if the signed-in user may join the channel (the form pusher-js sends)."""
    # The blueprint checks CSRF after sign-in (errors.json_blueprint): anonymous callers get 401, not 400.
    socket_id = checked_socket_id(request.form.get("socket_id"))
    if socket_id is None:
        return error_response(400, "invalid_socket_id", "'socket_id' must look like 123.456.")
    channel_name = request.form.get("channel_name", "")
    member = check_channel(db_session(), current_user, channel_name)
    return jsonify(transport_for("pusher").authenticate(socket_id, channel_name, member))


@bp.post("/auth/batch")
@login_required_json
@limiter.limit(_auth_limit)
def auth_batch():
    """Sign several channels for one socket: {"socket_id", "channel_names": [...]} in, one answer each out."""
    data = json_body("socket_id", "channel_names")
    socket_id = checked_socket_id(data.get("socket_id"))
    if socket_id is None:
        return error_response(400, "invalid_socket_id", "'socket_id' must look like 123.456.")
    names = data.get("channel_names")
    most = current_app.config["ADDCHAT_PUSHER_AUTH_BATCH_MAX"]
    if not isinstance(names, list) or not 1 <= len(names) <= most:
        return error_response(
            400, "invalid_channel_names", f"'channel_names' must list 1 to {most} channel names."
        )
    session, transport, channels = db_session(), transport_for("pusher"), {}
    for name in names:
        try:
            member = check_channel(session, current_user, name)
        except ChatError as refusal:
            channels[str(name)] = {"status": refusal.status, **error_body(refusal.code, refusal.message)}
            continue
        channels[name] = {"status": 200, **transport.authenticate(socket_id, name, member)}
    return jsonify(channels=channels)


@bp.post("/user-auth")
@login_required_json
@limiter.limit(_auth_limit)
def user_auth():
    """Sign the signed-in user's data for pusher:signin (the form pusher-js's signin() sends)."""
    socket_id = checked_socket_id(request.form.get("socket_id"))
    if socket_id is None:
        return error_response(400, "invalid_socket_id", "'socket_id' must look like 123.456.")
    member = presence_member(current_user)
    user_data = {"id": member["user_id"], "user_info": member["user_info"]}
    return jsonify(transport_for("pusher").authenticate_user(socket_id, user_data))
