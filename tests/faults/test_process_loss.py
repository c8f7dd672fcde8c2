"""A serve.py process lost while clients are connected: SIGKILL (a crash) or SIGTERM (a deploy).

Two processes behind a TCP balancer share the database and the Redis queue. Bob's socket is on
the one that goes; Alice keeps sending through the balancer. Bob's client reconnects through the
balancer to the survivor, catches up by the poll and gets every message exactly once. On SIGTERM
the process also closes its sockets itself and exits 0.
"""

import signal
import time

import pytest

from tests.faults.services import Balancer
from tests.faults.traffic import Ledger, Sender
from tests.transports.socketio.servers import ChatDatabase, ChatSocket, Http, ServerProcess, wait_until

MESSAGES = 20


@pytest.mark.parametrize(
    ("how", "mode"),
    # SIGTERM runs each mode's own graceful stop in serve.py; a SIGKILL is the same for both.
    [("SIGKILL", "gevent"), ("SIGTERM", "gevent"), ("SIGTERM", "eventlet")],
)
def test_clients_move_to_another_process_and_miss_nothing(how, mode, own_redis, tmp_path):
    chat = ChatDatabase(f"sqlite:///{tmp_path / 'chat.db'}")
    doomed = ServerProcess(chat.url, mode, tmp_path, queue=own_redis.url, channel="loss").start()
    survivor = ServerProcess(chat.url, mode, tmp_path, queue=own_redis.url, channel="loss").start()
    balancer = Balancer([doomed.port, survivor.port])  # the first connection goes to the doomed one
    bob = None
    try:
        bob_id = chat.ids["bob"]
        bob = ChatSocket(survivor.url, *chat.credentials("bob"))  # HTTP calls: any process will do
        bob.base_url = balancer.url  # the socket goes through the balancer, to the doomed process first
        bob.connect()
        alice = Http(survivor.url, *chat.credentials("alice"))
        alice.send(bob_id, "first")
        bob.wait_bodies("first")
        connects = bob.connects

        ledger = Ledger()
        sender = Sender(alice, bob_id, MESSAGES, ledger, "msg", pause=0.03)
        sender.start()
        wait_until(lambda: len(sender.acknowledged) >= 5, message="traffic flowing")
        if how == "SIGKILL":
            doomed.stop(kill=True)
            assert doomed.process.returncode == -signal.SIGKILL
        else:
            asked = time.monotonic()
            doomed.process.send_signal(signal.SIGTERM)
            assert doomed.process.wait(timeout=30) == 0  # a clean exit, within the grace
            print(f"[{mode}] exited {time.monotonic() - asked:.1f}s after SIGTERM")
            assert "Traceback" not in doomed.log(), doomed.log()[-3000:]
        sender.join(timeout=60)
        assert not sender.is_alive()

        expected = ["first", *sender.bodies]
        bob.wait(lambda: bob.connects > connects, "a reconnect to the survivor")
        bob.wait_bodies(*expected)
        assert ledger.unexpected() == [] and ledger.unavailable == []
        # Exactly once: the feed has each message once and Bob applied each once (pushes during a
        # reconnect may come before the catch-up's older ones: the widget orders by id, not arrival).
        assert sorted(bob.bodies()) == sorted(expected)
        feed = [
            c["data"]["body"] for c in bob.http.get("poll", cursor=0)["changes"] if c["type"] == "message"
        ]
        assert feed == expected
    finally:
        if bob:
            bob.close()
        balancer.close()
        doomed.stop(kill=True)
        survivor.stop()
        chat.close()
