"""The small builders every part of the OpenAPI document uses (openapi.py and its merged parts)."""

from addchat.api.parse import MAX_ID


def ref(name):
    """Point at a schema in components."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema):
    """Wrap a schema as an application/json body."""
    return {"content": {"application/json": {"schema": schema}}}


def errors(*statuses):
    """Describe the error responses an operation can give."""
    return {str(s): {"description": "Error", **json_body(ref("Error"))} for s in statuses}


# One page of a list, older pages by `before=<id>` (messages, notifications): the same contract.
PAGE_PARAMETERS = [
    {"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]


def page_of(key, item, description):
    """The 200 answer of a paged list: `key` holds the items, `has_more` says whether older ones exist."""
    page = {
        "type": "object",
        "properties": {key: {"type": "array", "items": ref(item)}, "has_more": {"type": "boolean"}},
    }
    return {"200": {"description": description, **json_body(page)}}
