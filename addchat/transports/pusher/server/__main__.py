"""python -m addchat.transports.pusher.server: run the server without Flask (used by tests and by hand)."""

import argparse
import logging
import os

from .apps import App
from .server import run_server


def main(argv=None):
    parser = argparse.ArgumentParser(description="Built-in Pusher-protocol server")
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6001)
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--redis-prefix", default="addchat:pusher")
    parser.add_argument(
        "--heartbeat",
        type=float,
        default=5.0,
        help="seconds between instance heartbeats",
    )
    parser.add_argument("--activity-timeout", type=int, default=30)
    parser.add_argument(
        "--compress",
        action="store_true",
        default=os.environ.get("ADDCHAT_WEBSOCKET_COMPRESSION", "").lower() in ("1", "true", "yes", "on"),
        help="accept permessage-deflate (off by default: it costs memory per connection)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run_server(
        [App(args.app_id, args.key, args.secret)],
        host=args.host,
        port=args.port,
        redis_url=args.redis_url,
        redis_prefix=args.redis_prefix,
        heartbeat=args.heartbeat,
        activity_timeout=args.activity_timeout,
        compress=args.compress,
    )


if __name__ == "__main__":
    main()
