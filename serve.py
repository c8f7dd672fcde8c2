"""Socket.IO server entry: `python serve.py [--host H] [--port P]` (what `make run` starts).

Monkey patching happens here and nowhere else, before anything else is imported, for the
async mode named by SOCKETIO_ASYNC_MODE: `gevent` (the default, chosen by measurement: see
bench/REPORT.md) or `eventlet` (still supported and tested). `threading` runs Werkzeug's development server (no patching, for debugging).
This file is the only one that calls eventlet or gevent. For N processes behind nginx, start
one per port (see README, "Scaling out").
"""

import os

MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "gevent")
if MODE == "eventlet":
    # psycopg 3's C wait would block eventlet's hub on every PostgreSQL query (README, Benchmarks).
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    import eventlet

    eventlet.monkey_patch()
elif MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402  (after patching, on purpose)
import signal  # noqa: E402
import socket  # noqa: E402


def listen(host, port, backlog=2048):
    """Open the listening socket; accepted sockets inherit TCP_NODELAY (no 40 ms Nagle stalls)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def close_sockets(socketio):
    """Drop every Socket.IO connection as a lost transport, which every client reconnects after
    (to another process); disconnect handlers still run. A polite Engine.IO close would make some
    clients (python-socketio) treat it as final."""
    if socketio.server is not None:
        for client in list(socketio.server.eio.sockets.values()):
            client.close(wait=False, abort=True)


# gevent's handler reads a connection through an 8 KiB buffer that an idle WebSocket keeps for its
# whole life; 1 KiB takes a request line and headers in a few reads and a frame header in one, and
# saved 3.2 KiB of the 56 a bare Flask-SocketIO connection costs (bench/bare_socketio.py, 1,000 idle).
READ_BUFFER_BYTES = 1024


def gevent_server(listener, app, max_connections, log=None):
    """Return gevent's WSGI server with gevent-websocket's handler, as AddChat is served under gevent."""
    from gevent import pywsgi
    from gevent.pool import Pool
    from geventwebsocket.handler import WebSocketHandler

    class CompactWebSocketHandler(WebSocketHandler):
        """gevent-websocket's handler reading through a READ_BUFFER_BYTES buffer."""

        def __init__(self, sock, address, server):
            super().__init__(sock, address, server)
            default, self.rfile = self.rfile, sock.makefile("rb", READ_BUFFER_BYTES)
            default.close()  # the socket stays open: each file holds its own reference

    # A pool, so stopping waits for requests in flight.
    return pywsgi.WSGIServer(
        listener, app, handler_class=CompactWebSocketHandler, log=log, spawn=Pool(max_connections)
    )


def serve(app, socketio, args):
    """Run the app's WSGI server in the process's async mode until interrupted.

    SIGTERM is a graceful stop: no new connections, every WebSocket closed so its client reconnects
    to another process at once, requests in flight answered (for up to --grace seconds), exit 0.
    """
    mode = socketio.async_mode
    if mode == "eventlet":
        import eventlet
        import eventlet.wsgi
        import greenlet

        main_greenlet = greenlet.getcurrent()

        def shutdown():
            close_sockets(socketio)
            eventlet.spawn_after(args.grace, os._exit, 0)  # in-flight requests had their time
            main_greenlet.throw(SystemExit)  # leaves accept(); eventlet.wsgi waits for its requests

        signal.signal(signal.SIGTERM, lambda *_: eventlet.spawn(shutdown))
        # eventlet's own default (1024 simultaneous connections) would cap WebSockets too.
        eventlet.wsgi.server(
            listen(args.host, args.port), app, log_output=args.access_log, max_size=args.max_connections
        )
    elif mode == "gevent":
        import gevent

        log = "default" if args.access_log else None
        server = gevent_server(listen(args.host, args.port), app, args.max_connections, log)
        server.stop_timeout = args.grace

        def shutdown():
            server.close()  # stop accepting; serve_forever then waits up to the grace for the pool
            close_sockets(socketio)

        gevent.signal_handler(signal.SIGTERM, lambda: gevent.spawn(shutdown))
        server.serve_forever()
    else:
        socketio.run(
            app, host=args.host, port=args.port, log_output=args.access_log, allow_unsafe_werkzeug=True
        )


def main(argv=None):
    """Parse the command line, build the app and serve it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("ADDCHAT_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ADDCHAT_PORT", "5000")))
    parser.add_argument("--config", default=os.environ.get("ADDCHAT_CONFIG", "development"))
    parser.add_argument(
        "--max-connections",
        type=int,
        default=int(os.environ.get("ADDCHAT_MAX_CONNECTIONS", "10000")),
        help="most simultaneous connections (WebSockets included)",
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=float(os.environ.get("ADDCHAT_SHUTDOWN_GRACE", "10")),
        help="seconds requests in flight may take to finish after SIGTERM",
    )
    parser.add_argument("--access-log", action="store_true", help="log every HTTP request")
    args = parser.parse_args(argv)

    from addchat import create_app
    from addchat.extensions import socketio
    from addchat.ops.logs import configure_logging
    from addchat.transports.socketio.server import watch_closes
    from config import CONFIGS

    app = create_app(CONFIGS[args.config])
    configure_logging(app)
    if socketio.server is not None and socketio.async_mode in ("eventlet", "gevent"):
        socketio.start_background_task(watch_closes, socketio, app.config["ADDCHAT_TRIM_AFTER_CLOSES"])
    print(
        f"AddChat on http://{args.host}:{args.port} (Socket.IO async mode: {socketio.async_mode})", flush=True
    )
    serve(app, socketio, args)


if __name__ == "__main__":
    main()
