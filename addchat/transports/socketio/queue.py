"""The Redis message queue between server processes, back within about a second of an outage.

python-socketio's RedisManager re-subscribes after 1, 2, 4, 8 ... up to 60 s of waiting, and
redis-py retries each reconnect with its own jittered backoff on top: measured (issue 15), pushes
across processes came back about 5 s after a 10 s Redis outage ended, later after longer ones.
Widgets lose nothing meanwhile (the poll has every change) but wait for their slow safety poll.
Here the listener retries every RETRY_SECONDS for as long as Redis is away, each try failing
fast, so pushes resume within about that long of Redis answering again.
"""

import logging
import time

import socketio
from redis.backoff import NoBackoff
from redis.retry import Retry

from addchat.transports.socketio.rooms import IndexedManager, RoomIndex

log = logging.getLogger(__name__)
RETRY_SECONDS = 0.25


class PromptRedisManager(RoomIndex, socketio.RedisManager):
    """RedisManager whose listener re-subscribes every RETRY_SECONDS instead of backing off to 60 s."""

    def __init__(self, url, channel, retry_seconds=RETRY_SECONDS, **kwargs):
        options = {
            # One try per call (our loop retries), and a dead address fails within a second.
            "retry": Retry(NoBackoff(), 0),
            "socket_connect_timeout": 1,
            "socket_keepalive": True,
            **kwargs.pop("redis_options", {}),
        }
        super().__init__(url, channel=channel, redis_options=options, **kwargs)
        self.retry_seconds = retry_seconds

    def _redis_listen_with_retries(self):
        """Yield pub/sub messages; on any failure reconnect and re-subscribe every retry_seconds."""
        failures = 0
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                if failures:
                    log.warning("message queue back after %d failed tries", failures)
                failures = 0
                yield from self.pubsub.listen()
            except Exception as error:
                if failures == 0:
                    log.error("message queue lost (%s); retrying every %ss", error, self.retry_seconds)
                failures += 1
                self.connected = False
                time.sleep(self.retry_seconds)


def client_manager(url, channel):
    """Return the client manager: Redis's for a redis:// queue URL, the in-process one without a queue.

    Both keep each client's rooms (rooms.py). Another queue URL (kafka://, amqp://...) gets
    Flask-SocketIO's own choice (None here), without the index.
    """
    if not url:
        return IndexedManager()
    if url.startswith(("redis://", "rediss://")):
        return PromptRedisManager(url, channel)
    return None
