"""Serve wsgi:app under eventlet's own WSGI server (gunicorn has no eventlet worker any more)."""

import eventlet

eventlet.monkey_patch()

import sys  # noqa: E402

import eventlet.wsgi  # noqa: E402

from wsgi import app  # noqa: E402


def main():
    """Listen on 127.0.0.1 at the port given on the command line."""
    listener = eventlet.listen(("127.0.0.1", int(sys.argv[1])), backlog=2048)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=2000)


if __name__ == "__main__":
    main()
