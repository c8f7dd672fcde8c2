"""POST /addchat/pusher/auth: pusher-js asks here before joining a private or presence channel."""

from flask import Blueprint, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from addchat.api.auth import login_required_json
from addchat.api.errors import error_response
from addchat.api.parse import SOCKET_ID_RE
from addchat.extension import db_session
from addchat.extensions import csrf
from addchat.services.channels import check_channel
from addchat.services.errors import ChatError
from addchat.transports import transport_for

bp = Blueprint("addchat_pusher", __name__)


@bp.post("/auth")
@csrf.exempt
@login_required_json
def auth():
    """Sign the subscription if the signed-in user may join the channel (the form pusher-js sends)."""
    # CSRF is checked here, after the sign-in check, so anonymous callers get 401 rather than 400.
    csrf.protect()
    socket_id = request.form.get("socket_id", "")
    if not SOCKET_ID_RE.match(socket_id):
        return error_response(400, "invalid_socket_id", "'socket_id' must look like 123.456.")
    channel_name = request.form.get("channel_name", "")
    member = check_channel(db_session(), current_user, channel_name)
    return jsonify(transport_for("pusher").authenticate(socket_id, channel_name, member))


@bp.errorhandler(ChatError)
def chat_error(error):
    """Turn a refusal into its status and code."""
    return error_response(error.status, error.code, error.message)


@bp.errorhandler(CSRFError)
def csrf_error(error):
    """Say plainly that the CSRF token is missing or wrong."""
    return error_response(400, "csrf_failed", error.description)
