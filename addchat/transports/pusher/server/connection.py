"""One client WebSocket: its socket id, subscriptions, ordered outbox and client-event rate limit."""

import asyncio
import logging
import secrets

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from .. import protocol

log = logging.getLogger(__name__)

OUTBOX_LIMIT = 1000
CLOSE_GRACE = 5.0
# Client events per connection: the `limits` library Flask-Limiter counts AddChat's HTTP limits with.
CLIENT_EVENT_LIMIT = RateLimitItemPerSecond(protocol.CLIENT_EVENTS_PER_SECOND)
CLIENT_EVENT_LIMITER = MovingWindowRateLimiter(MemoryStorage())


def new_socket_id():
    """A Pusher-style socket id, two random integers joined by a dot ("1234.5678")."""
    return f"{secrets.randbelow(10**10) + 1}.{secrets.randbelow(10**10) + 1}"


class Connection:
    """Per-client state; messages go through a queue so one slow client never stalls a broadcast.

    abort drops the TCP connection; it is used when a client stops reading, since then
    neither more data nor a close frame can get through.
    """

    def __init__(self, ws, app, loop_time, abort=None):
        self.ws = ws
        self.app = app
        self.socket_id = new_socket_id()
        self.channels = set()
        self.presence = {}  # channel -> (user_id, user_info as JSON)
        self.user_id = None  # set by a valid pusher:signin
        self.last_seen = loop_time
        self.ping_sent_at = None
        self.closed = False
        self._abort = abort
        self._outbox = asyncio.Queue()

    def touch(self, now):
        """Any message from the client proves it is alive."""
        self.last_seen = now
        self.ping_sent_at = None

    def send(self, text):
        """Queue a text frame; a client that lets OUTBOX_LIMIT frames pile up is dropped."""
        if self.closed:
            return
        if self._outbox.qsize() >= OUTBOX_LIMIT:
            log.warning("dropping slow connection %s", self.socket_id)
            self.abort()
            return
        self._outbox.put_nowait(text)

    def close(self, code, reason, send_error=True):
        """Send pusher:error with the code, then close with it; abort if that is stuck for CLOSE_GRACE."""
        if self.closed:
            return
        if send_error:
            self.send(protocol.error(code, reason))
        if self.closed:
            return
        self.closed = True
        self._outbox.put_nowait((code, reason))
        asyncio.get_running_loop().call_later(CLOSE_GRACE, self.abort)

    def abort(self):
        """Drop the TCP connection at once; the handler then cleans up its subscriptions."""
        self.closed = True
        if self._abort is not None:
            self._abort()

    def allow_client_event(self):
        """At most CLIENT_EVENTS_PER_SECOND client events (a moving window, as the HTTP limits count)."""
        return CLIENT_EVENT_LIMITER.hit(CLIENT_EVENT_LIMIT, "client-events", self.socket_id)

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
