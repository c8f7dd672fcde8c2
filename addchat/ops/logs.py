"""Request ids (X-Request-Id in and out) and one JSON object per log line, with that id.

A proxy's X-Request-Id is kept when it looks like an id (it ties nginx's log to ours); otherwise a
new one is made. Every log record made during a request carries it, and each request ends with one
`addchat.request` line (method, path, status, milliseconds). `configure_logging` is called by the
entry points (serve.py, wsgi.py), not by the app factory, so tests and host sites keep their own.
"""

import json
import logging
import re
import sys
import time
import uuid

from flask import g, has_request_context, request

HEADER = "X-Request-Id"
VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("addchat.request")


def request_id():
    """Return the current request's id, or None outside a request."""
    return g.get("request_id") if has_request_context() else None


def start_request():
    """Take the caller's request id when it is sound, else make one; start the clock."""
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if VALID_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def finish_request(response):
    """Echo the request id on AddChat's own answers (a host's routes stay as they were); log the request."""
    rid = g.get("request_id")
    if rid:
        if request.path.startswith("/addchat/"):
            response.headers[HEADER] = rid
        took = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round(took, 1),
            },
        )
    return response


class RequestIdFilter(logging.Filter):
    """Stamp every record with the request id of the request it was made in (or None)."""

    def filter(self, record):
        """Add `request_id` to the record; never drop it."""
        record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message, request id, extras."""

    FIELDS = ("method", "path", "status", "ms")

    def format(self, record):
        """Return the record as a JSON line."""
        line = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        line.update({key: getattr(record, key) for key in self.FIELDS if hasattr(record, key)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


JsonFormatter.converter = time.gmtime


def configure_logging(app, stream=None):
    """Send the root logger's lines to stderr as JSON or text (ADDCHAT_LOG_FORMAT), at INFO."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    if app.config.get("ADDCHAT_LOG_FORMAT", "text") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    app.logger.handlers[:] = []  # propagate to the root's one handler
    logging.getLogger("geventwebsocket.handler").setLevel(logging.WARNING)  # our access line is enough
    return handler


def init_app(app):
    """Give every request an id and a log line."""
    app.before_request(start_request)
    app.after_request(finish_request)
