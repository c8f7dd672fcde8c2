"""Redis down in socketio mode, two processes: sends and polls keep working, pushes come back.

Redis carries the Socket.IO message queue between the processes and the rate-limit counters
(the README's "Scaling out" set-up). While it is away, sends must still be stored (limits count
in each process's memory) and the poll must have everything; once it is back, pushes across
processes resume on the sockets that stayed open, without a reconnect.
"""

import time

import pytest

from tests.faults.traffic import Ledger, Sender
from tests.transports.socketio.servers import ChatDatabase, ChatSocket, Http, ServerProcess, wait_until


@pytest.mark.parametrize("mode", ["gevent", "eventlet"])
def test_redis_outage_keeps_chat_working_and_pushes_resume(mode, own_redis, tmp_path):
    chat = ChatDatabase(f"sqlite:///{tmp_path / 'chat.db'}")
    servers = []
    bob = None
    try:
        for _ in range(2):
            server = ServerProcess(chat.url, mode, tmp_path, queue=own_redis.url, channel="faults")
            server.env["RATELIMIT_STORAGE_URI"] = own_redis.url
            servers.append(server.start())
        a, b = servers
        bob_id = chat.ids["bob"]
        alice = Http(a.url, *chat.credentials("alice"))
        bob = ChatSocket(b.url, *chat.credentials("bob")).connect()
        alice.send(bob_id, "before")
        bob.wait_bodies("before")
        connects = bob.connects

        own_redis.stop()
        ledger = Ledger()
        during = Sender(alice, bob_id, 5, ledger, "during")
        during.run()  # in this thread: every one acknowledged, none refused
        assert ledger.unexpected() == [] and ledger.unavailable == [] and ledger.network_errors == 0
        bob_http = Http(b.url, *chat.credentials("bob"))
        polled = [
            c["data"]["body"] for c in bob_http.get("poll", cursor=0)["changes"] if c["type"] == "message"
        ]
        assert polled == ["before", *during.bodies]

        own_redis.start()  # same port, empty: the processes must re-subscribe by themselves
        back = time.monotonic()
        probes = []

        def pushed_again():
            probes.append(f"probe-{len(probes)}")
            alice.send(bob_id, probes[-1])
            time.sleep(0.1)
            return any(body.startswith("probe-") for body in bob.bodies())

        wait_until(pushed_again, message="a push across processes after Redis returned")
        print(f"[{mode}] pushes resumed {time.monotonic() - back:.2f}s after Redis answered again")
        alice.send(bob_id, "after")
        bob.wait_bodies("after")
        assert bob.connects == connects  # by push on the same socket, not by a reconnect's catch-up

        # Exactly once: the feed has every message once, and Bob's socket never applied a seq twice.
        everything = ["before", *during.bodies, *probes, "after"]
        polled = [
            c["data"]["body"] for c in bob_http.get("poll", cursor=0)["changes"] if c["type"] == "message"
        ]
        assert polled == everything
        assert len(bob.seqs) == len(bob.changes)
        assert set(bob.bodies()) <= set(everything)
        for server in servers:
            assert "Traceback" not in server.log(), server.log()[-3000:]
    finally:
        if bob:
            bob.close()
        for server in servers:
            server.stop()
        chat.close()
