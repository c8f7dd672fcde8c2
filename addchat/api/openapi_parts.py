"""The small builders every part of the OpenAPI document uses (openapi.py and its merged parts)."""


def ref(name):
    """Point at a schema in components."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema):
    """Wrap a schema as an application/json body."""
    return {"content": {"application/json": {"schema": schema}}}


def errors(*statuses):
    """Describe the error responses an operation can give."""
    return {str(s): {"description": "Error", **json_body(ref("Error"))} for s in statuses}
