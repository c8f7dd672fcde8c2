"""Engine.IO keepalive on a real server in each green mode, its pings now scheduled by timers.

A raw Engine.IO WebSocket (websocket-client, as a browser speaks it): the server announces the
configured interval, keeps pinging a client that answers, and drops one that stops answering.
A python-socketio client, which answers on its own, stays connected and keeps getting pushes.
"""

import threading

import pytest
import websocket

from tests.transports.socketio.conftest import MODES
from tests.transports.socketio.servers import WAIT, ChatSocket, ServerProcess, wait_until

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module", params=MODES)
def pinging_server(request, chat_db, tmp_path_factory):
    """A server that pings every second and waits one second for the answer."""
    process = ServerProcess(chat_db.url, request.param, tmp_path_factory.mktemp("logs"))
    process.env.update({"SOCKETIO_PING_INTERVAL": "1", "SOCKETIO_PING_TIMEOUT": "1"})
    yield process.start()
    process.stop()


class RawEngineIO:
    """Engine.IO v4 over one WebSocket, read on a thread: the packets seen and whether it closed."""

    def __init__(self, server, cookie):
        url = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(url, header=[f"Cookie: session={cookie}"], timeout=WAIT)
        self.opened = self.ws.recv()  # 0{"sid":..., "pingInterval":..., "pingTimeout":...}
        self.ws.send("40")  # join the default namespace, as socket.io-client does
        self.answer = True
        self.pings = 0
        self.closed = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            while True:
                packet = self.ws.recv()
                if not packet:
                    break
                if packet == "2":
                    self.pings += 1
                    if self.answer:
                        self.ws.send("3")
        except (websocket.WebSocketException, OSError):
            pass
        self.closed = True

    def close(self):
        try:
            self.ws.close()
        except (websocket.WebSocketException, OSError):
            pass


def test_pings_keep_coming_and_a_silent_client_is_dropped(pinging_server, chat_db):
    cookie, _ = chat_db.credentials("alice")
    client = RawEngineIO(pinging_server, cookie)
    try:
        assert '"pingInterval":1000' in client.opened and '"pingTimeout":1000' in client.opened
        # Every ping answered: the server schedules the next one each time (three in a row).
        wait_until(lambda: client.pings >= 3, message="three pings answered")
        assert not client.closed
        client.answer = False
        wait_until(lambda: client.closed, message="the server dropping a client that stopped answering")
    finally:
        client.close()


def test_a_socketio_client_stays_connected_across_pings_and_gets_pushes(pinging_server, chat_db):
    alice_cookie, alice_token = chat_db.credentials("alice")
    bob_cookie, bob_token = chat_db.credentials("bob")
    alice = ChatSocket(pinging_server.url, alice_cookie, alice_token, reconnect=False).connect()
    bob = ChatSocket(pinging_server.url, bob_cookie, bob_token, reconnect=False).connect()
    watcher = RawEngineIO(pinging_server, alice_cookie)  # counts the pings the others answered too
    try:
        wait_until(lambda: watcher.pings >= 3, message="three ping intervals")
        assert alice.sio.connected and bob.sio.connected
        assert alice.connects == 1  # never dropped and reconnected in between
        bob.http.send(chat_db.ids["alice"], "still here")
        alice.wait_bodies("still here")
    finally:
        watcher.close()
        alice.close()
        bob.close()
