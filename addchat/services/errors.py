"""Errors a service raises for bad input; the API turns each into a JSON response."""


class ChatError(Exception):
    """A refused request: nothing was written. Carries its HTTP status and a stable code."""

    status = 400
    code = "bad_request"

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidInput(ChatError):
    """Input of the wrong type, missing, or out of range."""


class NotFound(ChatError):
    """An unknown user or a message that is not the caller's."""

    status = 404
    code = "not_found"


class Forbidden(ChatError):
    """The caller may not do this."""

    status = 403
    code = "forbidden"


class Conflict(ChatError):
    """The request contradicts what is stored (e.g. a reused client_id with another body)."""

    status = 409
    code = "conflict"


class TooLarge(ChatError):
    """A body longer than the configured limit."""

    status = 413
    code = "body_too_long"
