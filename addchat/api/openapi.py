"""The OpenAPI 3.1 document of /addchat/api/, served at /addchat/api/openapi.json."""

from addchat.api import openapi_access, openapi_notifications
from addchat.transports import NOTIFICATION_TYPES


def _ref(name):
    """Point at a schema in components."""
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema):
    """Wrap a schema as an application/json body."""
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses):
    """Describe the error responses an operation can give."""
    return {str(s): {"description": "Error", **_json(_ref("Error"))} for s in statuses}


PEER = {"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}

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
        },
    },
    "Contact": {
        "allOf": [
            _ref("User"),
            {
                "type": "object",
                "properties": {
                    "unread": {"type": "integer"},
                    "last_message": {"oneOf": [_ref("Message"), {"type": "null"}]},
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
                "200": {"description": "Widget configuration", **_json({"type": "object"})},
                **_errors(401),
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
                    **_json(
                        {
                            "type": "object",
                            "properties": {"contacts": {"type": "array", "items": _ref("Contact")}},
                        }
                    ),
                },
                **_errors(400, 401),
            },
        }
    },
    "/conversations/{user_id}/messages": {
        "get": {
            "summary": "One page of history, oldest first; pass before=<id> for older pages",
            "parameters": [
                PEER,
                {"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ],
            "responses": {
                "200": {
                    "description": "Messages",
                    **_json(
                        {
                            "type": "object",
                            "properties": {
                                "messages": {"type": "array", "items": _ref("Message")},
                                "has_more": {"type": "boolean"},
                            },
                        }
                    ),
                },
                **_errors(400, 401, 404),
            },
        },
        "post": {
            "summary": "Send a message; a repeated client_id returns the stored message (200)",
            "parameters": [PEER],
            "requestBody": {
                "required": True,
                **_json(
                    {
                        "type": "object",
                        "required": ["body"],
                        "properties": {
                            "body": {"type": "string", "minLength": 1, "maxLength": 5000},
                            "client_id": {"type": "string", "maxLength": 64},
                        },
                    }
                ),
            },
            "responses": {
                "201": {"description": "Stored", **_json(_ref("Message"))},
                "200": {"description": "Already stored under this client_id", **_json(_ref("Message"))},
                **_errors(400, 401, 404, 409, 413, 429),
            },
        },
    },
    "/conversations/{user_id}/seen": {
        "post": {
            "summary": "Mark messages from this user as seen, up to an id",
            "parameters": [PEER],
            "requestBody": {
                "required": True,
                **_json(
                    {
                        "type": "object",
                        "required": ["up_to_id"],
                        "properties": {"up_to_id": {"type": "integer", "minimum": 1}},
                    }
                ),
            },
            "responses": {
                "200": {
                    "description": "How many became seen",
                    **_json(
                        {
                            "type": "object",
                            "properties": {
                                "updated": {"type": "integer"},
                                "seen_at": {"type": ["string", "null"]},
                            },
                        }
                    ),
                },
                **_errors(400, 401, 404),
            },
        }
    },
    "/messages/{message_id}": {
        "delete": {
            "summary": "Soft-delete one of your own messages",
            "parameters": [
                {"name": "message_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": {"description": "Deleted", **_json(_ref("Message"))},
                **_errors(401, 403, 404),
            },
        }
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
                    "schema": {"type": "integer", "minimum": 0},
                }
            ],
            "responses": {
                "200": {
                    "description": "Changes",
                    **_json(
                        {
                            "type": "object",
                            "properties": {
                                "cursor": {"type": "integer"},
                                "changes": {"type": "array", "items": _ref("Change")},
                                "more": {"type": "boolean"},
                            },
                        }
                    ),
                },
                **_errors(400, 401, 429),
            },
        }
    },
    "/settings": {
        "get": {
            "summary": "Live settings (admins)",
            "responses": {
                "200": {"description": "Settings", **_json({"type": "object"})},
                **_errors(401, 403),
            },
        },
        "post": {
            "summary": "Switch notification_type at run time (admins)",
            "requestBody": {
                "required": True,
                **_json(
                    {
                        "type": "object",
                        "required": ["notification_type"],
                        "properties": {
                            "notification_type": {
                                "type": "string",
                                "enum": list(NOTIFICATION_TYPES),
                            }
                        },
                    }
                ),
            },
            "responses": {
                "200": {"description": "Switched", **_json({"type": "object"})},
                **_errors(400, 401, 403),
            },
        },
    },
    "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI"}}}},
}


# Features documented in their own modules.
SCHEMAS.update(openapi_notifications.SCHEMAS)
PATHS.update(openapi_notifications.PATHS)
PATHS.update(openapi_access.PATHS)


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
        "security": [{"session": [], "csrf": []}],
        "paths": PATHS,
    }
