"""Signature checks for channel authorization and for the HTTP API, as Pusher's libraries sign them."""

import hashlib
import hmac
import time

MAX_CLOCK_SKEW = 600


def sign(secret, text):
    """HMAC-SHA256 hex digest, the primitive every Pusher signature uses."""
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def channel_auth_ok(app, socket_id, channel, auth, channel_data=None):
    """Check "key:signature" for private ("socket_id:channel") and presence (":channel_data" added)."""
    if not isinstance(auth, str) or ":" not in auth:
        return False
    key, _, signature = auth.partition(":")
    if key != app.key:
        return False
    text = f"{socket_id}:{channel}"
    if channel_data is not None:
        text += f":{channel_data}"
    return hmac.compare_digest(sign(app.secret, text), signature)


def user_auth_ok(app, socket_id, user_data, auth):
    """Check "key:signature" of a pusher:signin: HMAC of "socket_id::user::user_data"."""
    if not isinstance(auth, str) or not isinstance(user_data, str) or ":" not in auth:
        return False
    key, _, signature = auth.partition(":")
    if key != app.key:
        return False
    return hmac.compare_digest(sign(app.secret, f"{socket_id}::user::{user_data}"), signature)


def api_request_problem(app, method, path, query, body, now=None):
    """Why an HTTP API request is not signed right, or None when it is.

    query is the decoded query string as a dict; body the raw bytes.
    """
    if query.get("auth_key") != app.key:
        return "Unknown auth_key"
    try:
        timestamp = int(query.get("auth_timestamp", ""))
    except ValueError:
        return "Missing or malformed auth_timestamp"
    now = time.time() if now is None else now
    if abs(now - timestamp) > MAX_CLOCK_SKEW:
        return f"Timestamp expired: given {timestamp}, current time is {int(now)}"
    if body and query.get("body_md5") != hashlib.md5(body).hexdigest():
        return "Invalid body_md5"
    signature = query.get("auth_signature")
    if not signature:
        return "Missing auth_signature"
    params = sorted((k, v) for k, v in query.items() if k != "auth_signature")
    text = "\n".join([method.upper(), path, "&".join(f"{k}={v}" for k, v in params)])
    if not hmac.compare_digest(sign(app.secret, text), signature):
        return f"Invalid signature: you should have sent HmacSHA256Hex({text!r}, your_secret_key)"
    return None
