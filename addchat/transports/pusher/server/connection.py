"""One client WebSocket: its socket id, subscriptions, ordered outbox and client-event rate limit."""

import asyncio
import logging
import secrets
from collections import deque

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
    """Per-client state; messages go through an outbox so one slow client never stalls a broadcast.

    An idle connection holds no outbox and no writer task: both exist only while frames wait, and
    that is most of what one idle connection used to cost (an asyncio.Queue is four deques, about
    3 KiB, plus a task parked on it; bench/REPORT.md, memory per connection). abort drops the TCP
    connection; it is used when a client stops reading, since then neither more data nor a close
    frame can get through.
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
        self._outbox = None  # a deque while frames wait to be written
        self._writer = None  # the task writing them, alive only as long as the outbox

    def touch(self, now):
        """Any message from the client proves it is alive."""
        self.last_seen = now
        self.ping_sent_at = None

    def send(self, text):
        """Queue a text frame; a client that lets OUTBOX_LIMIT frames pile up is dropped."""
        if self.closed:
            return
        if self._outbox is not None and len(self._outbox) >= OUTBOX_LIMIT:
            log.warning("dropping slow connection %s", self.socket_id)
            self.abort()
            return
        self._enqueue(text)

    def close(self, code, reason, send_error=True):
        """Send pusher:error with the code, then close with it; abort if that is stuck for CLOSE_GRACE."""
        if self.closed:
            return
        if send_error:
            self.send(protocol.error(code, reason))
        if self.closed:
            return
        self.closed = True
        self._enqueue((code, reason))
        asyncio.get_running_loop().call_later(CLOSE_GRACE, self.abort)

    def abort(self):
        """Drop the TCP connection at once; the handler then cleans up its subscriptions."""
        self.closed = True
        if self._abort is not None:
            self._abort()

    def allow_client_event(self):
        """At most CLIENT_EVENTS_PER_SECOND client events (a moving window, as the HTTP limits count)."""
        return CLIENT_EVENT_LIMITER.hit(CLIENT_EVENT_LIMIT, "client-events", self.socket_id)

    def _enqueue(self, item):
        """Append a frame (text) or the close marker (code, reason); start a writer if none runs."""
        if self._outbox is None:
            self._outbox = deque()
        self._outbox.append(item)
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(self._write_outbox())

    async def _write_outbox(self):
        """Write the outbox in order until it is empty, a close marker, or a broken socket."""
        try:
            while self._outbox:
                item = self._outbox.popleft()
                if isinstance(item, tuple):
                    code, reason = item
                    await self.ws.close(code=code, message=reason.encode("utf-8")[:120])
                    self._outbox = None
                    return
                await self.ws.send_str(item)
        except (ConnectionError, RuntimeError, asyncio.CancelledError):
            self.closed = True
        except Exception:
            self.closed = True
            log.exception("writer of %s failed", self.socket_id)
        finally:
            self._writer = None
            if self.closed or not self._outbox:
                self._outbox = None

    async def stop_writing(self):
        """Cancel a writer still running (the socket is gone) and drop what it had left."""
        writer = self._writer
        if writer is not None:
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
        self._outbox = None
