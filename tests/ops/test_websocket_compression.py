"""WebSocket compression is refused by default on every server AddChat runs; a setting turns it on.

Each test offers permessage-deflate exactly as Chromium does and reads the handshake's answer.
"""

import base64
import os
import socket

import pytest

from addchat.transports.pusher.server.apps import App
from addchat.transports.pusher.server.server import BackgroundServer
from tests.transports.socketio.servers import ChatDatabase, ServerProcess

CHROMIUM_OFFER = "permessage-deflate; client_max_window_bits"


def handshake(port, path):
    """Open a WebSocket handshake offering compression; return the response's header lines."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Extensions: {CHROMIUM_OFFER}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n")[0].decode("latin-1").lower().splitlines()
    assert head and " 101 " in head[0] + " ", head
    return head


def negotiated(head):
    """Whether the answer accepted permessage-deflate."""
    return any(line.startswith("sec-websocket-extensions:") and "permessage-deflate" in line for line in head)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A database for the server processes."""
    chat = ChatDatabase(f"sqlite:///{tmp_path_factory.mktemp('ws') / 'chat.db'}")
    yield chat
    chat.close()


SOCKET_PATH = "/socket.io/?EIO=4&transport=websocket"


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_socketio_refuses_compression_by_default(mode, database, tmp_path):
    server = ServerProcess(database.url, mode, tmp_path).start()
    try:
        assert not negotiated(handshake(server.port, SOCKET_PATH))
    finally:
        server.stop()


def test_the_setting_turns_compression_on_where_the_server_supports_it(database, tmp_path):
    # eventlet implements permessage-deflate; gevent-websocket never does.
    server = ServerProcess(database.url, "eventlet", tmp_path)
    server.env["ADDCHAT_WEBSOCKET_COMPRESSION"] = "true"
    server.start()
    try:
        assert negotiated(handshake(server.port, SOCKET_PATH))
    finally:
        server.stop()


@pytest.mark.parametrize("compress", [False, True])
def test_pusher_server_compression_follows_its_option(compress):
    with BackgroundServer([App("1", "key", "secret")], compress=compress) as server:
        assert negotiated(handshake(server.port, "/app/key?protocol=7")) is compress
