"""The presence and typing store, in memory and in the real Redis, with the same rules."""

import threading
import time

import pytest
import redis

from addchat.transports.socketio.presence import MemoryPresence, RedisPresence
from addchat.transports.socketio.server import process_async_mode
from tests.transports.socketio.conftest import REDIS_URL

STORES = ["memory", pytest.param("redis", marks=pytest.mark.skipif(not REDIS_URL, reason="needs Redis"))]


@pytest.fixture(params=STORES)
def store(request, channel):
    """A fresh store of each kind (Redis keys under this test's own prefix)."""
    if request.param == "memory":
        yield MemoryPresence(typing_timeout_ms=300)
        return
    yield RedisPresence(REDIS_URL, prefix=channel, ttl=2, typing_timeout_ms=300)
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{channel}:*"))
    if keys:
        client.delete(*keys)


def test_online_while_any_connection_is_open(store):
    assert store.connect(7, "tab-1") is True
    assert store.connect(7, "tab-2") is False
    assert store.online([7, 8]) == {7}
    assert store.disconnect("tab-1") == (7, False)
    assert store.disconnect("tab-2") == (7, True)
    assert store.online([7]) == set()
    assert store.disconnect("never-seen") == (None, False)


def test_typing_start_is_throttled_and_stop_only_after_start(store):
    assert store.typing(1, 2, False, 1000) is False  # nothing to stop
    assert store.typing(1, 2, True, 1000) is True
    assert store.typing(1, 2, True, 1000) is False  # inside the throttle window
    assert store.typing(1, 3, True, 1000) is True  # another peer is another state
    assert store.typing(1, 2, False, 1000) is True
    assert store.typing(1, 2, True, 0) is True


def test_typing_lapses_by_itself(store):
    assert store.typing(1, 2, True, 60_000) is True
    # Inside the long throttle a start is dropped until the 300 ms typing state lapses.
    deadline = time.monotonic() + 5
    while not store.typing(1, 2, True, 60_000):
        assert time.monotonic() < deadline, "the typing state never lapsed"
        time.sleep(0.05)


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis")
def test_a_dead_process_connections_lapse_and_the_heartbeat_keeps_live_ones(channel):
    dead = RedisPresence(REDIS_URL, prefix=channel, ttl=1)
    live = RedisPresence(REDIS_URL, prefix=channel, ttl=1)
    dead.connect(5, "dead-tab")
    live.connect(6, "live-tab")
    deadline = time.monotonic() + 5
    while dead.online([5]) and time.monotonic() < deadline:
        live.refresh()
        time.sleep(0.1)
    assert dead.online([5, 6]) == {6}
    # A new connection after the lapse counts as coming online again.
    assert dead.connect(5, "new-tab") is True


def test_processes_not_started_by_serve_py_never_use_green_modes():
    assert process_async_mode("eventlet") == "threading"
    assert process_async_mode("gevent") == "threading"
    assert process_async_mode("threading") == "threading"


def test_sign_out_hands_back_that_sessions_connections_only(store):
    store.connect(7, "laptop-tab-1", "laptop")
    store.connect(7, "laptop-tab-2", "laptop")
    store.connect(7, "phone-tab", "phone")
    assert store.sign_out("laptop", 60) == ["laptop-tab-1", "laptop-tab-2"]
    assert store.signed_out("laptop") is True
    assert store.signed_out("phone") is False
    # The sessions' connections close afterwards, as the disconnects arrive.
    assert store.disconnect("laptop-tab-1") == (7, False)
    assert store.online([7]) == {7}


def _lapse(store, user_id):
    """Wait (bounded) until the user's connections lapsed; the store's ttl is 1 s."""
    deadline = time.monotonic() + 5
    while store.online([user_id]):
        assert time.monotonic() < deadline, "the connection never lapsed"
        time.sleep(0.1)


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis")
def test_concurrent_sweeps_report_a_crashed_process_user_offline_exactly_once(channel):
    dead = RedisPresence(REDIS_URL, prefix=channel, ttl=1)
    sweepers = [RedisPresence(REDIS_URL, prefix=channel, ttl=1) for _ in range(4)]
    live = sweepers[0]
    dead.connect(5, "dead-tab-1")
    dead.connect(5, "dead-tab-2")
    live.connect(6, "live-tab")
    deadline = time.monotonic() + 5
    while dead.online([5]):
        assert time.monotonic() < deadline, "the dead process's connections never lapsed"
        live.refresh()
        time.sleep(0.1)
    live.refresh()
    barrier = threading.Barrier(len(sweepers))
    results = []

    def sweep(store):
        barrier.wait()
        results.extend(store.sweep())

    threads = [threading.Thread(target=sweep, args=(s,)) for s in sweepers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == [5]
    assert live.sweep() == []
    assert live.online([5, 6]) == {6}


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis")
def test_a_late_heartbeat_brings_a_swept_connection_back_online(channel):
    store = RedisPresence(REDIS_URL, prefix=channel, ttl=1)
    store.connect(5, "slow-tab")
    _lapse(store, 5)
    assert store.sweep() == [5]
    assert store.refresh() == {5}
    assert store.online([5]) == {5}
    assert store.refresh() == set()
    assert store.disconnect("slow-tab") == (5, True)
