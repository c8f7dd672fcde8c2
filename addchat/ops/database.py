"""The database went away: answer 503 `database_unavailable` with a Retry-After, never a 500.

Measured (issue 15): with PostgreSQL stopped for 4 s, 66 requests failed fast but as
`500 internal_server_error`. A lost connection is an OperationalError (or InterfaceError) from the
driver; the transaction it was in never committed, so nothing was half-written, and the pool's
pre-ping replaces the dead connection on the next request, so the app recovers by itself.
"""

from flask import current_app, g, jsonify, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from addchat.context import db_session
from addchat.errors import error_body


def database_unavailable(error):
    """Answer a request whose database call could not reach the database (else let it be a 500)."""
    if not (isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated):
        raise error
    current_app.logger.warning("database unavailable on %s %s: %s", request.method, request.path, error.orig)
    retry_after = current_app.config.get("ADDCHAT_DB_RETRY_AFTER", 5)
    g.addchat_retry_after = retry_after
    if request.path.startswith("/addchat/") or request.accept_mimetypes.best == "application/json":
        body = error_body("database_unavailable", "The database cannot be reached; try again shortly.")
        response = jsonify(body)
    else:
        response = current_app.response_class("The database cannot be reached; try again shortly.\n")
    response.status_code = 503
    response.headers["Retry-After"] = str(retry_after)
    return response


def keep_retry_after(response):
    """Restore our Retry-After on a 503 after Flask-Limiter widened it to its own window."""
    retry_after = g.get("addchat_retry_after")
    if retry_after is not None and response.status_code == 503:
        response.headers["Retry-After"] = str(retry_after)
    return response


def release_session(exc=None):
    """End the request's session before Flask-SQLAlchemy does, so a dead connection cannot turn an
    answer already decided (a 201 whose commit succeeded) into a 500 at teardown."""
    for _ in range(2):  # the failed rollback invalidates the connection; the second close is clean
        try:
            db_session().remove()
            return
        except DBAPIError as error:
            current_app.logger.warning("database connection lost at the end of a request: %s", error.orig)


def init_app(app):
    """Register the 503 handler and the session release (runs before Flask-SQLAlchemy's teardown,
    as teardowns run in reverse); `keep_retry_after` must be registered before Flask-Limiter."""
    app.register_error_handler(DBAPIError, database_unavailable)
    app.after_request(keep_retry_after)
    app.teardown_appcontext(release_session)
