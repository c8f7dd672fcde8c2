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
import socket  # noqa: E402


def listen(host, port, backlog=2048):
    """Open the listening socket; accepted sockets inherit TCP_NODELAY (no 40 ms Nagle stalls)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def serve(app, socketio, args):
    """Run the app's WSGI server in the process's async mode until interrupted."""
    mode = socketio.async_mode
    if mode == "eventlet":
        import eventlet.wsgi

        # eventlet's own default (1024 simultaneous connections) would cap WebSockets too.
        eventlet.wsgi.server(
            listen(args.host, args.port), app, log_output=args.access_log, max_size=args.max_connections
        )
    elif mode == "gevent":
        from gevent import pywsgi
        from geventwebsocket.handler import WebSocketHandler

        log = "default" if args.access_log else None
        pywsgi.WSGIServer(
            listen(args.host, args.port), app, handler_class=WebSocketHandler, log=log
        ).serve_forever()
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
        help="most simultaneous connections under eventlet (WebSockets included)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every HTTP request")
    args = parser.parse_args(argv)

    from addchat import create_app
    from addchat.extensions import socketio
    from addchat.ops.logs import configure_logging
    from addchat.transports.socketio.server import watch_closes

    app = create_app(args.config)
    configure_logging(app)
    if socketio.server is not None and socketio.async_mode in ("eventlet", "gevent"):
        socketio.start_background_task(watch_closes, socketio, app.config["ADDCHAT_TRIM_AFTER_CLOSES"])
    print(
        f"AddChat on http://{args.host}:{args.port} (Socket.IO async mode: {socketio.async_mode})", flush=True
    )
    serve(app, socketio, args)


if __name__ == "__main__":
    main()
