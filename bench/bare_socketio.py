"""The floor under AddChat's Socket.IO numbers: reference_server.mjs's workload on a bare Flask-SocketIO.

    python bench/bare_socketio.py PORT      (bench/push.py starts it as the server `bare`)

A client connects with ?user=ID and joins room user:ID; POST /send/ID emits a "change" into that
room. No AddChat, no session, no database: what Flask-SocketIO under gevent costs by itself, served
exactly as serve.py serves AddChat (same listener, handler and pool), so the gap between this and
`gevent` in the report is AddChat's own, and the gap between this and `node` is the library stack's.
Its Engine.IO pings are timers, as AddChat's are (addchat/transports/socketio/pings.py).
"""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402  (after patching, on purpose)
from pathlib import Path  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import serve  # noqa: E402  (the listener and handler AddChat is served with)
from addchat.transports.socketio.pings import ping_from_timers  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent")
seq = 0


@app.get("/")
def index():
    """Answer the readiness probe of bench/push.py."""
    return "ok"


@app.post("/send/<int:user_id>")
def send(user_id):
    """Push one change to a user's room, as AddChat does after its commit (none here)."""
    global seq
    seq += 1
    data = {"to_id": user_id, "body": request.get_json()["body"]}
    socketio.emit("change", {"seq": seq, "type": "message", "data": data}, to=f"user:{user_id}")
    return data, 201


@socketio.on("connect")
def connect(auth=None):
    """Join the connecting user's room."""
    join_room(f"user:{request.args.get('user')}")


if __name__ == "__main__":
    ping_from_timers(socketio.server.eio)
    serve.gevent_server(
        serve.listen("127.0.0.1", int(sys.argv[1])), app, max_connections=20000
    ).serve_forever()
