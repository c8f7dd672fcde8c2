"""The one JSON error shape, {"error": {"code", "message"}}, for HTTP answers and socket acks alike."""

from flask import Blueprint, jsonify, request
from flask_wtf.csrf import CSRFError

from addchat.context import state
from addchat.protect import check_csrf_after_sign_in
from addchat.services.errors import ChatError


def error_body(code, message):
    """Shape one error as every endpoint and socket ack reports it."""
    return {"error": {"code": code, "message": message}}


def error_response(status, code, message):
    """Answer an HTTP request with the error shape and its status."""
    return jsonify(error_body(code, message)), status


def chat_error(error):
    """Turn a service refusal into its status and code."""
    return error_response(error.status, error.code, error.message)


def csrf_error(error):
    """Say plainly that the CSRF token is missing or wrong."""
    return error_response(400, "csrf_failed", error.description)


def json_http_error(error):
    """Answer HTTP errors on AddChat's JSON paths with JSON, others as the host (or Flask) would."""
    if not request.path.startswith(tuple(state().json_prefixes)):
        host_handler = state().host_http_error_handler
        return host_handler(error) if host_handler else error
    code = (error.name or "error").lower().replace(" ", "_")
    return error_response(error.code, code, error.description or error.name)


def json_blueprint(name, import_name):
    """Create a blueprint that checks its own CSRF tokens and answers refusals in the error shape."""
    blueprint = Blueprint(name, import_name)
    blueprint.before_request(check_csrf_after_sign_in)
    blueprint.register_error_handler(ChatError, chat_error)
    blueprint.register_error_handler(CSRFError, csrf_error)
    return blueprint


def register_json_blueprint(app, blueprint, url_prefix):
    """Mount a JSON blueprint: its routing errors (404, 405) answer JSON too."""
    app.register_blueprint(blueprint, url_prefix=url_prefix)
    # It checks its own tokens after sign-in: a host's app-wide CSRFProtect, if bound, leaves it be.
    host_csrf = app.extensions.get("csrf")
    if host_csrf is not None:
        host_csrf.exempt(blueprint)
    # Routing errors (404, 405) happen before any blueprint is chosen: the app-wide handler
    # answers them in JSON under these prefixes.
    app.extensions["addchat"].json_prefixes.append(url_prefix.rstrip("/") + "/")
