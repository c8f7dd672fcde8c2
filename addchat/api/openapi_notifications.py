"""The notification paths and schema of the OpenAPI document (merged into openapi.py)."""

from addchat.api.openapi_parts import PAGE_PARAMETERS, errors, json_body, page_of, ref
from addchat.api.parse import MAX_PATH_ID

ID = {
    "name": "notification_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PATH_ID},
    "example": 1,
}
UNREAD = {"type": "object", "properties": {"unread": {"type": "integer"}}}

SCHEMAS = {
    "Notification": {
        "type": "object",
        "required": ["id", "type", "data", "url", "read_at", "created_at"],
        "properties": {
            "id": {"type": "integer", "description": "Shared by every recipient of one notify() call."},
            "type": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
            "data": {"type": "object", "description": "The host's JSON object; render its text as text."},
            "url": {"type": ["string", "null"], "description": "http(s) URL or a path on this site."},
            "read_at": {"type": ["string", "null"], "format": "date-time"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
}

CHANGE_TYPES = ["notification", "notification_read", "notification_deleted"]

PATHS = {
    "/notifications": {
        "get": {
            "summary": "One page of your notifications, newest first; pass before=<id> for older ones",
            "parameters": [
                *PAGE_PARAMETERS,
            ],
            "responses": {
                **page_of("notifications", "Notification", "Notifications"),
                **errors(400, 401),
            },
        }
    },
    "/notifications/unread-count": {
        "get": {
            "summary": "How many of your notifications are unread",
            "responses": {"200": {"description": "Count", **json_body(UNREAD)}, **errors(401)},
        }
    },
    "/notifications/{notification_id}/read": {
        "post": {
            "summary": "Mark one of your notifications read (others' answer 404)",
            "parameters": [ID],
            "responses": {
                "200": {
                    "description": "Read",
                    **json_body(
                        {
                            "type": "object",
                            "properties": {
                                "notification": ref("Notification"),
                                "unread": {"type": "integer"},
                            },
                        }
                    ),
                },
                **errors(400, 401, 404),
            },
        }
    },
    "/notifications/read-all": {
        "post": {
            "summary": "Mark all your notifications read",
            "responses": {
                "200": {
                    "description": "How many became read",
                    **json_body(
                        {
                            "type": "object",
                            "properties": {"updated": {"type": "integer"}, "unread": {"type": "integer"}},
                        }
                    ),
                },
                **errors(400, 401),
            },
        }
    },
    "/notifications/{notification_id}": {
        "delete": {
            "summary": "Delete one of your notifications (others' answer 404)",
            "parameters": [ID],
            "responses": {
                "200": {
                    "description": "Deleted",
                    **json_body(
                        {
                            "type": "object",
                            "properties": {"deleted": {"type": "integer"}, "unread": {"type": "integer"}},
                        }
                    ),
                },
                **errors(400, 401, 404),
            },
        }
    },
}
