"""Memory is handed back after a burst of closed connections (gc, then malloc_trim)."""

from addchat.ops import memory


def test_a_large_enough_drop_in_connections_releases_memory(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "release_memory", lambda: calls.append(1))
    watcher = memory.CloseWatcher(threshold=100)
    assert watcher.check(500) is False
    assert watcher.check(450) is False  # 50 closed: not yet
    assert watcher.check(400) is True  # 100 closed since the peak
    assert calls == [1]
    assert watcher.check(390) is False  # counted from the new low
    assert watcher.check(800) is False
    assert watcher.check(0) is True
    assert calls == [1, 1]


def test_release_memory_runs_here():
    assert memory.release_memory() >= 0
