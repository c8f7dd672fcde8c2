"""The built-in Pusher server restarted (SIGTERM) or crashed (SIGKILL) mid-traffic.

Sends keep being stored while it is away (a failed trigger is logged, never an error), tabs
reconnect to the new instance on their own, catch up by the poll, and end with every message
exactly once; pushes flow again after the restart.
"""

import os
import signal
import socket
import subprocess
import sys

import pytest

from testkit import free_port
from tests.faults.pusher_tab import PusherTab
from tests.faults.traffic import Ledger, Sender
from tests.transports.socketio.servers import ROOT, ChatDatabase, Http, ServerProcess, wait_until

APP = {"id": "8001", "key": "faults-key", "secret": "faults-secret"}
MESSAGES = 30


class PusherProcess:
    """`python -m addchat.transports.pusher.server` on a fixed port, restartable."""

    def __init__(self, log_dir):
        self.port = free_port()
        self.log = open(os.path.join(log_dir, "pusher.log"), "ab")  # noqa: SIM115
        self.process = None

    def start(self):
        """Start it and wait until it accepts connections."""
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "addchat.transports.pusher.server",
                "--app-id",
                APP["id"],
                "--key",
                APP["key"],
            ]
            + ["--secret", APP["secret"], "--port", str(self.port)],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

        def listening():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return True
            except OSError:
                return False

        wait_until(listening, timeout=30, message="the Pusher server")
        return self

    def stop(self, sig):
        """Send a signal and reap the process."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=20)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_pusher_server_restart_loses_nothing(how, tmp_path):
    chat = ChatDatabase(f"sqlite:///{tmp_path / 'chat.db'}")
    pusher = PusherProcess(tmp_path).start()
    app = ServerProcess(chat.url, "gevent", tmp_path, kind="pusher")
    app.env.update(
        PUSHER_APP_ID=APP["id"],
        PUSHER_KEY=APP["key"],
        PUSHER_SECRET=APP["secret"],
        PUSHER_HOST="127.0.0.1",
        PUSHER_PORT=str(pusher.port),
        PUSHER_TIMEOUT="1",
    )
    for name in ("PUSHER_CLUSTER", "PUSHER_SSL", "SOCKETIO_MESSAGE_QUEUE"):
        app.env.pop(name, None)
    app.start()
    bob = None
    try:
        bob_id = chat.ids["bob"]
        ws_url = f"ws://127.0.0.1:{pusher.port}/app/{APP['key']}?protocol=7"
        bob = PusherTab(app.url, ws_url, *chat.credentials("bob"), bob_id).start()
        alice = Http(app.url, *chat.credentials("alice"))
        alice.send(bob_id, "first")
        bob.wait(lambda: "first" in bob.bodies(), "the first push")

        ledger = Ledger()
        sender = Sender(alice, bob_id, MESSAGES, ledger, "msg", pause=0.03)
        sender.start()
        wait_until(lambda: len(sender.acknowledged) >= 5, message="traffic flowing")
        pusher.stop(getattr(signal, how))
        wait_until(lambda: len(sender.acknowledged) >= 10, message="sends while the Pusher server is away")
        pusher.start()  # same port
        sender.join(timeout=60)
        assert not sender.is_alive()
        bob.wait(lambda: bob.connects >= 2, "a new subscription on the restarted server")

        connects = bob.connects
        alice.send(bob_id, "after")
        expected = ["first", *sender.bodies, "after"]
        bob.wait(lambda: bob.bodies() == expected, "every message, once, in order")
        assert bob.connects == connects  # "after" came by push, not by a reconnect's catch-up
        assert ledger.unexpected() == [] and ledger.unavailable == [] and ledger.network_errors == 0
        feed = [
            c["data"]["body"] for c in bob.http.get("poll", cursor=0)["changes"] if c["type"] == "message"
        ]
        assert feed == expected
    finally:
        if bob:
            bob.close()
        app.stop()
        pusher.stop(signal.SIGKILL)
        chat.close()
