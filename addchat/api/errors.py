"""JSON errors for the API: service refusals, CSRF failures, rate limits."""

from flask import jsonify
from flask_wtf.csrf import CSRFError

from addchat.api import bp
from addchat.services.errors import ChatError


def error_response(status, code, message):
    """Build the one error shape every endpoint uses."""
    return jsonify(error={"code": code, "message": message}), status


@bp.errorhandler(ChatError)
def chat_error(error):
    """Turn a service refusal into its status and code."""
    return error_response(error.status, error.code, error.message)


@bp.errorhandler(CSRFError)
def csrf_error(error):
    """Say plainly that the CSRF token is missing or wrong."""
    return error_response(400, "csrf_failed", error.description)
