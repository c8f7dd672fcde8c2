"""Socket.IO server entry: `python serve.py [--host H] [--port P]` (what `make run` starts).

Monkey patching happens here and nowhere else, before anything else is imported, for the
async mode named by SOCKETIO_ASYNC_MODE: `eventlet` (the default) or `gevent` (the maintained
alternative). `threading` runs Werkzeug's development server (no patching, for debugging).
For N processes behind nginx, start one per port (see README, "Scaling out").
"""

import os

MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
if MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402  (after patching, on purpose)


def main(argv=None):
    """Parse the command line and serve the app with Flask-SocketIO until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("ADDCHAT_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ADDCHAT_PORT", "5000")))
    parser.add_argument("--config", default=os.environ.get("ADDCHAT_CONFIG", "development"))
    parser.add_argument("--access-log", action="store_true", help="log every HTTP request")
    args = parser.parse_args(argv)

    from addchat import create_app
    from addchat.extensions import socketio

    app = create_app(args.config)
    print(
        f"AddChat on http://{args.host}:{args.port} (Socket.IO async mode: {socketio.async_mode})", flush=True
    )
    socketio.run(
        app,
        host=args.host,
        port=args.port,
        log_output=args.access_log,
        allow_unsafe_werkzeug=socketio.async_mode == "threading",
    )


if __name__ == "__main__":
    main()
