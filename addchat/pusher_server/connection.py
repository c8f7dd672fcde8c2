"""One client WebSocket: its socket id, subscriptions, ordered outbox and client-event rate limit."""

import asyncio
import collections
import logging
import secrets

from . import protocol

log = logging.getLogger(__name__)

OUTBOX_LIMIT = 1000


def new_socket_id():
    """A Pusher-style socket id, two random integers joined by a dot ("1234.5678")."""
    return f"{secrets.randbelow(10**10) + 1}.{secrets.randbelow(10**10) + 1}"


class Connection:
    """Per-client state; messages go through a queue so one slow client never stalls a broadcast."""

    def __init__(self, ws, app, loop_time):
        self.ws = ws
        self.app = app
        self.socket_id = new_socket_id()
        self.channels = set()
        self.presence = {}
        self.last_seen = loop_time
        self.ping_sent_at = None
        self.closed = False
        self._outbox = asyncio.Queue(maxsize=OUTBOX_LIMIT)
        self._client_events = collections.deque()

    def touch(self, now):
        """Any message from the client proves it is alive."""
        self.last_seen = now
        self.ping_sent_at = None

    def send(self, text):
        """Queue a text frame; a client that lets the queue fill up is closed (over capacity)."""
        if self.closed:
            return
        try:
            self._outbox.put_nowait(text)
        except asyncio.QueueFull:
            log.warning("closing slow connection %s", self.socket_id)
            self.closed = True
            while not self._outbox.empty():
                self._outbox.get_nowait()
            self._outbox.put_nowait((protocol.OVER_CAPACITY, "Over capacity"))

    def close(self, code, reason, send_error=True):
        """Send pusher:error with the code (for clients without close codes), then close with it."""
        if self.closed:
            return
        if send_error:
            self.send(protocol.error(code, reason))
        self.closed = True
        self._outbox.put_nowait((code, reason))

    def allow_client_event(self, now):
        """Sliding one-second window: at most CLIENT_EVENTS_PER_SECOND client events."""
        window = self._client_events
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= protocol.CLIENT_EVENTS_PER_SECOND:
            return False
        window.append(now)
        return True

    async def run_writer(self):
        """Drain the outbox in order until a close marker or a broken socket."""
        try:
            while True:
                item = await self._outbox.get()
                if isinstance(item, tuple):
                    code, reason = item
                    await self.ws.close(code=code, message=reason.encode("utf-8")[:120])
                    return
                await self.ws.send_str(item)
        except (ConnectionError, RuntimeError, asyncio.CancelledError):
            self.closed = True
        except Exception:
            self.closed = True
            log.exception("writer of %s failed", self.socket_id)
