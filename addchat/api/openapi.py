"""The OpenAPI 3.1 document of /addchat/api/, served at /addchat/api/openapi.json.

It says exactly what the server accepts, and schemathesis checks that it does
(tests/test_security_schemathesis.py): ids in paths are 1 to 10^18-1, cursors and ids in
queries and bodies at most 2^62, every write needs the session and the X-CSRFToken header
(400 csrf_failed without it, 401 without a session: sign-in is checked first).
"""

from addchat.api import openapi_access, openapi_notifications
from addchat.api.openapi_parts import PAGE_PARAMETERS, errors, json_body, page_of, ref
from addchat.api.parse import MAX_ID, MAX_PATH_ID
from addchat.transports import NOTIFICATION_TYPES

PATH_ID = {"type": "integer", "minimum": 1, "maximum": MAX_PATH_ID}
PEER = {"name": "user_id", "in": "path", "required": True, "schema": PATH_ID, "example": 2}
# GETs need the session cookie; writes need the CSRF header too.
READ = [{"session": []}]
WRITE = [{"session": [], "csrf": []}]

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            }
        },
    },
    "User": {
        "type": "object",
        "required": ["id", "name", "avatar"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "avatar": {"type": ["string", "null"]},
        },
    },
    "Message": {
        "type": "object",
        "required": ["id", "from_id", "to_id", "body", "created_at", "seen_at", "seq", "deleted"],
        "properties": {
            "id": {"type": "integer"},
            "from_id": {"type": "integer"},
            "to_id": {"type": "integer"},
            "body": {"type": "string", "description": "Plain text: render it as text, never HTML."},
            "created_at": {"type": "string", "format": "date-time"},
            "seen_at": {"type": ["string", "null"], "format": "date-time"},
            "seq": {
                "type": "integer",
                "description": "Position of the message's creation in the recipient's feed (the sender's "
                "copy of the change has the sender's own position).",
            },
            "client_id": {"type": ["string", "null"]},
            "deleted": {"type": "boolean"},
            "edited_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "Set once edited.",
            },
            "reply_to_id": {"type": ["integer", "null"], "description": "The message this one replies to."},
            "reply_to": {"oneOf": [ref("Quote"), {"type": "null"}]},
        },
    },
    "Quote": {
        "type": "object",
        "description": "The message a reply quotes, as it is now (empty body once deleted).",
        "required": ["id", "from_id", "body", "deleted"],
        "properties": {
            "id": {"type": "integer"},
            "from_id": {"type": "integer"},
            "body": {"type": "string"},
            "deleted": {"type": "boolean"},
        },
    },
    "Contact": {
        "allOf": [
            ref("User"),
            {
                "type": "object",
                "properties": {
                    "unread": {"type": "integer"},
                    "last_message": {"oneOf": [ref("Message"), {"type": "null"}]},
                },
            },
        ]
    },
    "Change": {
        "type": "object",
        "required": ["seq", "type", "data"],
        "properties": {
            "seq": {
                "type": "integer",
                "description": "Position in this user's own feed: increasing, unique per user, not dense, "
                "and unrelated to other users' positions. Apply each seq once.",
            },
            "type": {
                "type": "string",
                "enum": [
                    "message",
                    "seen",
                    "message_deleted",
                    "message_edited",
                    "config",
                    *openapi_notifications.CHANGE_TYPES,
                    *openapi_access.CHANGE_TYPES,
                ],
            },
            "data": {"type": "object"},
        },
    },
}

PATHS = {
    "/config": {
        "get": {
            "summary": "Signed-in user, feed cursor, notification_type and transport settings",
            "responses": {
                "200": {"description": "Widget configuration", **json_body({"type": "object"})},
                **errors(401),
            },
        }
    },
    "/contacts": {
        "get": {
            "summary": "People the user may chat with, with unread counts and last message",
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}}],
            "responses": {
                "200": {
                    "description": "Contacts",
                    **json_body(
                        {
                            "type": "object",
                            "properties": {"contacts": {"type": "array", "items": ref("Contact")}},
                        }
                    ),
                },
                **errors(400, 401),
            },
        }
    },
    "/conversations/{user_id}/messages": {
        "get": {
            "summary": "One page of history, oldest first; pass before=<id> for older pages",
            "parameters": [
                PEER,
                *PAGE_PARAMETERS,
            ],
            "responses": {
                **page_of("messages", "Message", "Messages"),
                **errors(400, 401, 403, 404),
            },
        },
        "post": {
            "summary": "Send a message; a repeated client_id returns the stored message (200)",
            "parameters": [PEER],
            "requestBody": {
                "required": True,
                **json_body(
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["body"],
                        "properties": {
                            "body": {
                                "type": "string",
                                "minLength": 1,
                                "maxLength": 5000,
                                "pattern": "\\S",
                                "description": "Not only white space; over ADDCHAT_MAX_BODY_LENGTH answers 413.",
                            },
                            "client_id": {"type": ["string", "null"], "minLength": 1, "maxLength": 64},
                            "reply_to_id": {
                                "type": ["integer", "null"],
                                "minimum": 1,
                                "maximum": MAX_ID,
                                "description": "A message of this conversation to quote",
                            },
                        },
                    }
                ),
            },
            "responses": {
                "201": {"description": "Stored", **json_body(ref("Message"))},
                "200": {"description": "Already stored under this client_id", **json_body(ref("Message"))},
                **errors(400, 401, 403, 404, 409, 413, 429),
            },
        },
    },
    "/conversations/{user_id}/seen": {
        "post": {
            "summary": "Mark messages from this user as seen, up to an id",
            "parameters": [PEER],
            "requestBody": {
                "required": True,
                **json_body(
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["up_to_id"],
                        "properties": {"up_to_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
                    }
                ),
            },
            "responses": {
                "200": {
                    "description": "How many became seen",
                    **json_body(
                        {
                            "type": "object",
                            "properties": {
                                "updated": {"type": "integer"},
                                "seen_at": {"type": ["string", "null"]},
                            },
                        }
                    ),
                },
                **errors(400, 401, 403, 404),
            },
        }
    },
    "/messages/{message_id}": {
        "delete": {
            "summary": "Soft-delete one of your own messages",
            "parameters": [
                {"name": "message_id", "in": "path", "required": True, "schema": PATH_ID, "example": 1}
            ],
            "responses": {
                "200": {"description": "Deleted", **json_body(ref("Message"))},
                **errors(400, 401, 403, 404),
            },
        },
        "patch": {
            "summary": "Edit one of your own messages within ADDCHAT_EDIT_WINDOW_S of sending",
            "description": "Both sides learn it through the feed (a message_edited change). A refusal writes nothing.",
            "parameters": [
                {"name": "message_id", "in": "path", "required": True, "schema": PATH_ID, "example": 1}
            ],
            "requestBody": {
                "required": True,
                **json_body(
                    {
                        "type": "object",
                        "required": ["body"],
                        "additionalProperties": False,
                        "properties": {
                            "body": {"type": "string", "minLength": 1, "maxLength": 5000, "pattern": "\\S"}
                        },
                    }
                ),
            },
            "responses": {
                "200": {"description": "Edited", **json_body(ref("Message"))},
                "409": {
                    "description": "Deleted (message_deleted) or past the edit window (edit_window_passed)",
                    **json_body(ref("Error")),
                },
                **errors(400, 401, 403, 404, 413, 429),
            },
        },
    },
    "/poll": {
        "get": {
            "summary": "Changes for the user after a cursor (internal mode; catch-up for push modes)",
            "description": "Runs exactly one SELECT on the change feed table: one range of this user's "
            "rows after the cursor. The cursor is an integer position in the signed-in user's own feed "
            "(0, GET config's cursor, or a poll's cursor); changes for everyone are copied into each "
            "user's feed, so one cursor covers them. Cursors from before per-user positions stay valid. "
            "Poll again at once while more is true.",
            "parameters": [
                {
                    "name": "cursor",
                    "in": "query",
                    "description": "Last position of this user's feed the client has applied.",
                    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                }
            ],
            "responses": {
                "200": {
                    "description": "Changes",
                    **json_body(
                        {
                            "type": "object",
                            "properties": {
                                "cursor": {"type": "integer"},
                                "changes": {"type": "array", "items": ref("Change")},
                                "more": {"type": "boolean"},
                            },
                        }
                    ),
                },
                **errors(400, 401, 429),
            },
        }
    },
    "/settings": {
        "get": {
            "summary": "Live settings (admins)",
            "responses": {
                "200": {"description": "Settings", **json_body({"type": "object"})},
                **errors(401, 403),
            },
        },
        "post": {
            "summary": "Change run-time settings (admins): any of these, checked whole",
            "requestBody": {
                "required": True,
                **json_body(
                    {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": False,
                        "properties": {
                            "notification_type": {
                                "type": "string",
                                "enum": list(NOTIFICATION_TYPES),
                            },
                            "poll_interval_ms": {"type": "integer", "minimum": 500, "maximum": 60000},
                            "max_body_length": {"type": "integer", "minimum": 1, "maximum": 10000},
                            "widget_title": {
                                "type": "string",
                                "maxLength": 40,
                                "pattern": "^[^\\u0000-\\u001f\\u007f]*$",
                            },
                            "widget_color": {"type": "string", "pattern": "^(#[0-9a-fA-F]{6})?$"},
                        },
                    }
                ),
            },
            "responses": {
                "200": {
                    "description": "Stored; every widget re-reads its config",
                    **json_body({"type": "object"}),
                },
                **errors(400, 401, 403, 409),
            },
        },
    },
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "OpenAPI", **json_body({"type": "object"})}},
        }
    },
}


# Features documented in their own modules.
SCHEMAS.update(openapi_notifications.SCHEMAS)
PATHS.update(openapi_notifications.PATHS)
PATHS.update(openapi_access.PATHS)


def _with_security(paths):
    """Give each operation its own security: the session for GETs, session and CSRF for writes."""
    return {
        path: {
            method: {"security": READ if method == "get" else WRITE, **operation}
            for method, operation in operations.items()
        }
        for path, operations in paths.items()
    }


def openapi_document():
    """Return the whole document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "AddChat API", "version": "1.0.0"},
        "servers": [{"url": "/addchat/api"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
        },
        "security": WRITE,
        "paths": _with_security(PATHS),
    }
