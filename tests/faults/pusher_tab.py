"""One widget tab in pusher mode, in Python: the Pusher protocol over websocket-client.

It keeps the widget's promise like ChatSocket does for Socket.IO: after every (re)connect it
authorises its feed channel through AddChat, subscribes, catches up through the poll from its
confirmed cursor, then applies pushes, dropping any seq it already has. It reconnects on its own.
"""

import json
import threading
import time

import requests
import websocket

from tests.transports.socketio.servers import WAIT, Http


class PusherTab:
    """A signed-in person's tab connected to a Pusher-protocol server."""

    def __init__(self, app_url, ws_url, cookie, token, user_id):
        self.http = Http(app_url, cookie, token)
        self.ws_url = ws_url
        self.channel = f"private-addchat.user.{user_id}"
        self.cursor = self.http.get("config")["cursor"]
        self.changes, self.seqs = [], set()
        self.connects = 0  # subscriptions that ended with a complete catch-up
        self.cond = threading.Condition()
        self.stopped = threading.Event()
        self.ws = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        """Connect, and wait for the first catch-up."""
        self.thread.start()
        self.wait(lambda: self.connects >= 1, "first subscription")
        return self

    def close(self):
        """Stop reconnecting and close the socket."""
        self.stopped.set()
        if self.ws:
            self.ws.close()
        self.thread.join(timeout=WAIT)

    def _run(self):
        while not self.stopped.is_set():
            try:
                self._session()
            except (
                OSError,
                websocket.WebSocketException,
                requests.RequestException,
                AssertionError,
                ValueError,
            ):
                pass
            if not self.stopped.is_set():
                time.sleep(0.2)

    def _recv(self):
        message = json.loads(self.ws.recv())
        if message.get("event") == "pusher:ping":
            self.ws.send(json.dumps({"event": "pusher:pong", "data": {}}))
        return message

    def _session(self):
        self.ws = websocket.create_connection(self.ws_url, timeout=WAIT)
        hello = self._recv()
        socket_id = json.loads(hello["data"])["socket_id"]
        auth = self.http.session.post(
            f"{self.http.base_url}/addchat/pusher/auth",
            data={"socket_id": socket_id, "channel_name": self.channel},
            timeout=10,
        )
        assert auth.status_code == 200, auth.text
        self.ws.send(
            json.dumps({"event": "pusher:subscribe", "data": {"channel": self.channel, **auth.json()}})
        )
        while self._recv().get("event") != "pusher_internal:subscription_succeeded":
            pass
        self._catch_up()  # pushes arriving meanwhile wait in the socket and are deduped after
        with self.cond:
            self.connects += 1
            self.cond.notify_all()
        self.ws.settimeout(None)
        while not self.stopped.is_set():
            message = self._recv()
            if message.get("event") == "change" and message.get("channel") == self.channel:
                change = json.loads(message["data"])
                if "seq" in change and "data" in change:
                    with self.cond:
                        self._apply([change])
                        self.cond.notify_all()

    def _catch_up(self):
        while True:
            page = self.http.get("poll", cursor=self.cursor)
            with self.cond:
                self._apply(page["changes"])
                self.cursor = max(self.cursor, page["cursor"])
                self.cond.notify_all()
            if not page["more"]:
                return

    def _apply(self, changes):
        for change in changes:
            if change["seq"] not in self.seqs:
                self.seqs.add(change["seq"])
                self.changes.append(change)

    def bodies(self):
        """Bodies of the messages this tab has, in the order applied."""
        with self.cond:
            return [c["data"]["body"] for c in self.changes if c["type"] == "message"]

    def wait(self, predicate, message="condition"):
        """Wait (bounded) until predicate() holds."""
        with self.cond:
            if not self.cond.wait_for(predicate, timeout=WAIT):
                raise AssertionError(f"timed out waiting for {message}; bodies={self.bodies()}")
