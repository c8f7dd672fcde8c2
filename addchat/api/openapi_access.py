"""The blocking, groups and email-preference paths of the OpenAPI document (merged into openapi.py)."""

from addchat.api.openapi_parts import errors, json_body
from addchat.api.parse import MAX_ID, MAX_PATH_ID

OBJ = {"type": "object"}
INT = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _path(name):
    """An id in the path (ASCII digits, 1 to 10^18-1, as every path id)."""
    schema = {"type": "integer", "minimum": 1, "maximum": MAX_PATH_ID}
    return {"name": name, "in": "path", "required": True, "schema": schema, "example": 1}


def _body(required, properties):
    """A required JSON request body holding only these fields."""
    body = {"type": "object", "required": required, "additionalProperties": False, "properties": properties}
    return {"required": True, **json_body(body)}


def _op(summary, ok="200", params=(), body=None, statuses=(400, 401, 403, 404)):
    """One operation with its JSON answer and error answers."""
    op = {"summary": summary, "responses": {ok: {"description": "OK", **json_body(OBJ)}, **errors(*statuses)}}
    if params:
        op["parameters"] = [_path(p) for p in params]
    if body:
        op["requestBody"] = body
    return op


GROUP_ERRORS = (400, 401, 403, 404)
PATHS = {
    "/blocks": {
        "get": _op("People you blocked", statuses=(401,)),
        "post": _op(
            "Block a user: neither may chat with, or see typing or presence of, the other (201 new, 200 already)",
            ok="201",
            body=_body(["user_id"], {"user_id": INT}),
            statuses=(400, 401, 403, 404),
        ),
    },
    "/blocks/{user_id}": {
        "delete": _op("Lift your block of a user", params=("user_id",), statuses=(400, 401, 403, 404))
    },
    "/groups": {
        "get": _op("Groups with their members and links (admins)", statuses=(401, 403)),
        "post": _op(
            "Create a group (admins)",
            ok="201",
            body=_body(
                ["name"], {"name": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "\\S"}}
            ),
            statuses=(400, 401, 403, 409),
        ),
    },
    "/groups/{group_id}": {
        "delete": _op("Delete a group (admins)", params=("group_id",), statuses=GROUP_ERRORS)
    },
    "/groups/{group_id}/members": {
        "post": _op(
            "Add users to a group (admins)",
            params=("group_id",),
            body=_body(
                ["user_ids"], {"user_ids": {"type": "array", "items": INT, "minItems": 1, "maxItems": 1000}}
            ),
            statuses=GROUP_ERRORS,
        )
    },
    "/groups/{group_id}/members/{user_id}": {
        "delete": _op(
            "Take a user out of a group (admins)", params=("group_id", "user_id"), statuses=GROUP_ERRORS
        )
    },
    "/groups/{group_id}/links": {
        "post": _op(
            "Let members of this group and another chat with each other (admins)",
            params=("group_id",),
            body=_body(["group_id"], {"group_id": INT}),
            statuses=GROUP_ERRORS,
        )
    },
    "/groups/{group_id}/links/{other_id}": {
        "delete": _op(
            "Stop members of two groups chatting (admins)",
            params=("group_id", "other_id"),
            statuses=GROUP_ERRORS,
        )
    },
}

PATHS.update(
    {
        "/preferences": {
            "get": _op("Whether you get email digests of what you missed", statuses=(401,)),
            "post": _op(
                "Turn email digests on or off",
                body=_body(["email_digests"], {"email_digests": {"type": "boolean"}}),
                statuses=(400, 401),
            ),
        },
        "/activity": {
            "post": _op("An open widget's heartbeat (no digests while it comes)", statuses=(400, 401))
        },
    }
)

CHANGE_TYPES = ["block", "access"]
