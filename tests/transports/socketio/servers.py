"""Real Socket.IO servers and clients for the realtime tests (no test client, no mocks).

`ServerProcess` runs `python serve.py` in a subprocess under eventlet or gevent on a free port;
several share one database file (and Redis, for scale-out). `ChatSocket` is one browser tab
done with python-socketio: it signs in with the Flask session cookie and keeps the widget's
promise, catching up through the poll after every (re)connect and dropping duplicates by seq.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import socketio

from addchat import create_app
from addchat.extensions import db
from addchat.models import ChatBase, User
from testkit import api_credentials, free_port

ROOT = Path(__file__).resolve().parents[3]
SECRET = "realtime-tests-secret"
PEOPLE = ("alice", "bob", "carol", "dave")
WAIT = 15  # seconds any single expectation may take on a busy 2-core machine


def wait_until(predicate, timeout=WAIT, message="condition"):
    """Poll a predicate until it is true; fail after `timeout` seconds (never a bare sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class ChatDatabase:
    """A database file with the four demo people, and session cookies that sign them in."""

    def __init__(self, url):
        self.url = url
        self.app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})
        with self.app.app_context():
            ChatBase.metadata.drop_all(db.engine)
            ChatBase.metadata.create_all(db.engine)
            for key in PEOPLE:
                user = User(name=key.title(), email=f"{key}@example.com", is_admin=key == "alice")
                user.set_password("demo")
                db.session.add(user)
            db.session.commit()
            self.ids = {
                key: db.session.query(User.id).filter_by(email=f"{key}@example.com").scalar()
                for key in PEOPLE
            }

    def credentials(self, key):
        """Return (session cookie, CSRF token) for a person, as a signed-in browser holds them."""
        return api_credentials(self.app, self.ids[key])

    def close(self):
        """Release the test process's connections."""
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


class ServerProcess:
    """`python serve.py` in a subprocess: the production entry point, in one async mode."""

    def __init__(
        self, database_url, mode, log_dir, queue=None, channel="addchat-test", port=None, kind="socketio"
    ):
        self.mode = mode
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir) / f"server-{mode}-{self.port}.log"
        self.env = {
            **os.environ,
            "ADDCHAT_CONFIG": "development",
            "SOCKETIO_ASYNC_MODE": mode,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "ADDCHAT_NOTIFICATION_TYPE": kind,
            "ADDCHAT_POLL_INTERVAL_MS": "500",
            "ADDCHAT_SEND_RATE_LIMIT": "100000/minute",
            "ADDCHAT_POLL_RATE_LIMIT": "100000/minute",
            "SOCKETIO_CHANNEL": channel,
            "ADDCHAT_PRESENCE_TTL": "30",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("SOCKETIO_MESSAGE_QUEUE", None)
        if queue:
            self.env["SOCKETIO_MESSAGE_QUEUE"] = queue
        self.process = None

    def start(self):
        """Start the process and wait until it answers HTTP."""
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it open
        self.process = subprocess.Popen(
            [sys.executable, "serve.py", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                return requests.get(self.url + "/login", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_until(ready, timeout=40, message=f"{self.mode} server on {self.port}")
        return self

    def stop(self, kill=False):
        """Stop the process (SIGKILL for a crash, SIGTERM otherwise) and reap it."""
        if self.process is None or self.process.poll() is not None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log(self):
        """Return the server's output so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Http:
    """The widget's HTTP calls for one signed-in person against a real server."""

    def __init__(self, base_url, cookie, token):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.update({"Cookie": f"session={cookie}", "X-CSRFToken": token})

    def send(self, to_id, body):
        """POST a message and return its JSON."""
        response = self.session.post(
            f"{self.base_url}/addchat/api/conversations/{to_id}/messages", json={"body": body}, timeout=10
        )
        assert response.status_code == 201, response.text
        return response.json()

    def seen(self, sender_id, up_to_id):
        """Mark a sender's messages seen up to an id."""
        response = self.session.post(
            f"{self.base_url}/addchat/api/conversations/{sender_id}/seen",
            json={"up_to_id": up_to_id},
            timeout=10,
        )
        assert response.status_code == 200, response.text

    def get(self, path, **params):
        """GET an API path and return its JSON."""
        response = self.session.get(f"{self.base_url}/addchat/api/{path}", params=params, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()


class ChatSocket:
    """One tab of one person: python-socketio over WebSocket, caught up through the poll."""

    def __init__(self, base_url, cookie, token, reconnect=True):
        self.http = Http(base_url, cookie, token)
        self.base_url = base_url
        self.cookie = cookie
        self.cursor = self.http.get("config")["cursor"]  # confirmed by the feed, not by pushes
        self.changes = []  # applied changes, in the order applied
        self.seqs = set()
        self.events = []  # (event, data) of typing and presence pushes
        self.connects = 0
        self.buffer = None  # pushes that arrive during a catch-up wait here
        self.cond = threading.Condition()
        self.sio = socketio.Client(reconnection=reconnect, reconnection_delay=0.2, reconnection_delay_max=1)
        self.sio.on("connect", self._on_connect)
        self.sio.on("change", self._on_change)
        self.sio.on("typing", lambda data: self._on_event("typing", data))
        self.sio.on("presence", lambda data: self._on_event("presence", data))

    def connect(self):
        """Open the WebSocket with the session cookie and wait until caught up."""
        before = self.connects
        self.sio.connect(
            self.base_url, headers={"Cookie": f"session={self.cookie}"}, transports=["websocket"]
        )
        self.wait(lambda: self.connects > before and self.buffer is None, "first catch-up")
        return self

    def close(self):
        """Close the connection (no reconnect)."""
        self.sio.disconnect()

    def call(self, event, *args):
        """Emit an event and return its ack."""
        return self.sio.call(event, *args, timeout=WAIT)

    def _on_connect(self):
        with self.cond:
            self.buffer = []
        threading.Thread(target=self._catch_up, daemon=True).start()

    def _catch_up(self):
        """Fetch what was missed after the confirmed cursor, then release buffered pushes."""
        caught_up = False
        try:
            while True:
                page = self.http.get("poll", cursor=self.cursor)
                with self.cond:
                    self._apply(page["changes"])
                    self.cursor = max(self.cursor, page["cursor"])
                if not page["more"]:
                    caught_up = True
                    break
        except (requests.RequestException, AssertionError):
            pass  # the server went away mid-catch-up: the next connect catches up again
        finally:
            with self.cond:
                self._apply(self.buffer or [])
                self.buffer = None
                if caught_up:
                    self.connects += 1
                self.cond.notify_all()

    def _on_change(self, change):
        with self.cond:
            if self.buffer is not None:
                self.buffer.append(change)
            else:
                self._apply([change])
            self.cond.notify_all()

    def _on_event(self, name, data):
        with self.cond:
            self.events.append((name, data))
            self.cond.notify_all()

    def _apply(self, changes):
        for change in changes:
            if change["seq"] not in self.seqs:
                self.seqs.add(change["seq"])
                self.changes.append(change)

    def wait(self, predicate, message="condition"):
        """Wait (bounded) until predicate() holds over this tab's state."""
        with self.cond:
            if not self.cond.wait_for(predicate, timeout=WAIT):
                raise AssertionError(
                    f"timed out waiting for {message}; changes={self.changes} events={self.events}"
                )

    def bodies(self):
        """Return the bodies of the messages this tab has, in order."""
        return [c["data"]["body"] for c in self.changes if c["type"] == "message"]

    def wait_bodies(self, *expected):
        """Wait until these bodies are among the tab's messages."""
        self.wait(lambda: set(expected) <= set(self.bodies()), f"messages {expected}")

    def wait_event(self, name, **fields):
        """Wait for a typing/presence push with these fields and return it."""

        def match():
            return [d for n, d in self.events if n == name and all(d.get(k) == v for k, v in fields.items())]

        self.wait(match, f"{name} {fields}")
        return match()[-1]
