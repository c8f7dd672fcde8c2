"""Parsing of query strings and JSON bodies into checked values."""

import re

from flask import request

from addchat.services.errors import InvalidInput

SOCKET_ID_RE = re.compile(r"\A\d{1,20}\.\d{1,20}\Z")


def socket_id_header():
    """Read the widget's pusher socket_id from X-Socket-Id; anything malformed counts as none."""
    value = request.headers.get("X-Socket-Id", "")
    return value if SOCKET_ID_RE.match(value) else None


def json_body():
    """Return the request's JSON object, or refuse anything else."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("Send a JSON object with Content-Type: application/json.", code="invalid_json")
    return data


def int_value(value, name, minimum=0, maximum=2**62):
    """Check that a value is a whole number in range (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidInput(
            f"'{name}' must be an integer from {minimum} to {maximum}.", code=f"invalid_{name}"
        )
    return value


def int_arg(name, default=None, minimum=0, maximum=2**62):
    """Read an optional integer query argument."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    digits = raw.strip()
    value = int(digits) if digits.lstrip("-").isdigit() and len(digits) < 25 else None
    return int_value(value, name, minimum, maximum)


def text_arg(name, max_length=100):
    """Read an optional short text query argument."""
    value = request.args.get(name, "").strip()
    if len(value) > max_length:
        raise InvalidInput(f"'{name}' is longer than {max_length} characters.", code=f"invalid_{name}")
    return value
