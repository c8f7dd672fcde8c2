"""Start and stop the built-in Pusher-protocol server: async for tests, blocking for the CLI."""

import asyncio
import logging
import signal
import socket
import threading

from aiohttp import web

from addchat.ops.memory import CloseWatcher

from .. import protocol
from . import http_api
from .apps import AppRegistry
from .brokers import LocalBroker
from .hub import Hub
from .redis_broker import RedisBroker
from .websocket import SERVER_KEY, SERVER_NAME, handle_websocket

log = logging.getLogger(__name__)


class PusherServer:
    """One instance: WebSocket at /app/{key} and the HTTP API at /apps/{id}/... on one port.

    port=0 picks a free port; read .port after start().
    """

    def __init__(
        self,
        apps,
        host="127.0.0.1",
        port=6001,
        redis_url=None,
        activity_timeout=30,
        pong_timeout=30,
        redis_prefix="addchat:pusher",
        heartbeat=5.0,
        compress=False,
        trim_after_closes=100,
    ):
        self.apps = apps if isinstance(apps, AppRegistry) else AppRegistry(apps)
        self.host = host
        self.port = port
        self.activity_timeout = activity_timeout
        self.pong_timeout = pong_timeout
        if redis_url:
            broker = RedisBroker(redis_url, prefix=redis_prefix, heartbeat=heartbeat)
        else:
            broker = LocalBroker()
        self.hub = Hub(broker)
        # permessage-deflate costs a zlib pair per connection; off unless asked (addchat/ops/websocket.py).
        self.compress = compress
        self.closes = CloseWatcher(trim_after_closes)
        self.connections = {}
        self._runner = None
        self._watchdog = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def web_app(self):
        app = web.Application(client_max_size=http_api.MAX_BODY_BYTES)
        app[SERVER_KEY] = self
        app.on_response_prepare.append(_plain_server_header)
        app.router.add_get("/app/{key}", handle_websocket)
        http_api.routes(app.router)
        return app

    async def start(self):
        await self.hub.broker.start(self.hub)
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(self.web_app(), access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self._watchdog = asyncio.create_task(self._watch())
        log.info("Pusher server listening on %s", self.url)
        return self

    async def stop(self):
        """Close every client with 4200 (reconnect now), clean presence, stop listening."""
        if self._watchdog:
            self._watchdog.cancel()
            await asyncio.gather(self._watchdog, return_exceptions=True)
        for conn in list(self.connections.values()):
            conn.close(protocol.RECONNECT_NOW, "Server is shutting down")
        for _ in range(50):
            if not self.connections:
                break
            await asyncio.sleep(0.05)
        for conn in list(self.connections.values()):
            await self.hub.drop(conn)
        if self._runner:
            await self._runner.cleanup()
        await self.hub.broker.stop()

    async def __aenter__(self):
        return await self.start()

    async def __aexit__(self, *exc):
        await self.stop()

    async def _watch(self):
        """Ping idle clients with pusher:ping and close those that do not answer (4201)."""
        loop = asyncio.get_running_loop()
        tick = max(0.1, min(self.activity_timeout, self.pong_timeout) / 4)
        while True:
            await asyncio.sleep(tick)
            now = loop.time()
            self.closes.check(len(self.connections))
            for conn in list(self.connections.values()):
                if conn.ping_sent_at is not None:
                    if now - conn.ping_sent_at > self.pong_timeout:
                        conn.close(protocol.PONG_NOT_RECEIVED, "Pong reply not received")
                elif now - conn.last_seen > self.activity_timeout:
                    conn.ping_sent_at = now
                    conn.send(protocol.encode("pusher:ping", {}))


async def _plain_server_header(request, response):
    """Name no library or version in Server (aiohttp would announce both)."""
    response.headers["Server"] = SERVER_NAME


async def serve_forever(server):
    """Run until SIGINT or SIGTERM, then stop cleanly."""
    await server.start()
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stopped.set)
        except (NotImplementedError, RuntimeError):
            pass
    try:
        await stopped.wait()
    finally:
        await server.stop()


def run_server(apps, host="127.0.0.1", port=6001, redis_url=None, **options):
    """Blocking entry point: serve the given apps until interrupted."""
    asyncio.run(serve_forever(PusherServer(apps, host, port, redis_url, **options)))


class BackgroundServer:
    """A PusherServer on its own event loop in a thread, for synchronous callers such as tests."""

    def __init__(self, apps, host="127.0.0.1", port=0, redis_url=None, **options):
        self.server = PusherServer(apps, host, port, redis_url, **options)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pusher-server", daemon=True)

    def start(self, timeout=10):
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(timeout)
        return self

    def stop(self, timeout=10):
        try:
            asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(timeout)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
            self._loop.close()

    @property
    def port(self):
        return self.server.port

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
