"""Parsing of query strings, path ids and JSON bodies into checked values.

Only ASCII digits make numbers ("๓", "²" or full-width digits are not numbers here, although
Python's `int()` and `\\d` accept them), ids stay below 2^62 so every database stores them, and a
body must be a JSON object of valid Unicode, nested at most MAX_JSON_DEPTH deep.
"""

import json
import re

from flask import request
from werkzeug.routing import IntegerConverter

from addchat.services.errors import InvalidInput

SOCKET_ID_RE = re.compile(r"\A[0-9]{1,20}\.[0-9]{1,20}\Z")
INTEGER_RE = re.compile(r"\A-?[0-9]{1,19}\Z")
# Largest id or cursor accepted anywhere: fits a signed 64-bit column with room to spare.
MAX_ID = 2**62
# Deepest nesting of a JSON body (the API's bodies are flat objects).
MAX_JSON_DEPTH = 32


# Largest id a URL path may name: 18 digits, so the route's pattern alone bounds it (a converter
# refusing a matched value makes Werkzeug answer 405 for a sibling route's method, not 404).
MAX_PATH_ID = 10**18 - 1


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: 1 to MAX_PATH_ID in ASCII digits; anything else matches no route (404)."""

    regex = r"[1-9][0-9]{0,17}"


def socket_id_header():
    """Read the widget's pusher socket_id from X-Socket-Id; anything malformed counts as none."""
    value = request.headers.get("X-Socket-Id", "")
    return value if SOCKET_ID_RE.match(value) else None


def parse_json_object(raw):
    """Parse request bytes into a JSON object of valid Unicode, or raise InvalidInput."""
    refused = InvalidInput("Send a JSON object with Content-Type: application/json.", code="invalid_json")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise refused from None
    if not isinstance(data, dict):
        raise refused
    if _depth(data) > MAX_JSON_DEPTH:
        raise InvalidInput(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.", code="invalid_json")
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput("The JSON holds text that is not valid Unicode.", code="invalid_json") from None
    return data


def _depth(value):
    """Return how deeply lists and objects nest in a parsed JSON value (iteratively)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


def json_body(*fields):
    """Return the request's JSON object, or refuse anything else (with fields: any other key too)."""
    if not request.is_json:
        raise InvalidInput("Send a JSON object with Content-Type: application/json.", code="invalid_json")
    data = parse_json_object(request.get_data(cache=True))
    unknown = sorted(set(data) - set(fields)) if fields else []
    if unknown:
        raise InvalidInput(f"Unknown field '{unknown[0][:40]}'.", code="unknown_field")
    return data


def int_value(value, name, minimum=0, maximum=MAX_ID):
    """Check that a value is a whole number in range (booleans are not numbers; 7.0 is 7, as in JSON)."""
    if isinstance(value, float) and value.is_integer() and minimum <= value <= maximum:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidInput(
            f"'{name}' must be an integer from {minimum} to {maximum}.", code=f"invalid_{name}"
        )
    return value


def parse_int(raw, name, minimum=0, maximum=MAX_ID):
    """Turn a query string value of ASCII digits (optionally signed) into a checked integer."""
    value = int(raw) if isinstance(raw, str) and INTEGER_RE.match(raw) else None
    return int_value(value, name, minimum, maximum)


def int_arg(name, default=None, minimum=0, maximum=MAX_ID):
    """Read an optional integer query argument (absent: the default; present: ASCII digits)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    return parse_int(raw, name, minimum, maximum)


def text_arg(name, max_length=100):
    """Read an optional short text query argument (its length counted before trimming)."""
    value = request.args.get(name, "")
    if len(value) > max_length:
        raise InvalidInput(f"'{name}' is longer than {max_length} characters.", code=f"invalid_{name}")
    return value.strip()
