"""Rate-limit keys that never touch the database."""

from flask import request, session


def rate_limit_key():
    """Key limits by the signed-in user id from the session, else by address."""
    user_id = str(session.get("_user_id") or "").partition(":")[0]  # "7" or "7:<sign-in token>"
    return f"user:{user_id}" if user_id else f"addr:{request.remote_addr}"
