"""The pusher workload of bench/push.py: AddChat in pusher mode beside the built-in Pusher server.

`python bench/push.py --servers eventlet,pusher` runs it: serve.py (gevent, as `make run`)
with notification_type pusher triggers every message into `python -m addchat.transports.pusher.server`,
where the N idle pusher-js clients are connected, each subscribed to its private-addchat.user.{id}
channel through POST /addchat/pusher/auth. Memory per idle connection is read from the Pusher
server process, since that is where the connections live (the web process holds none).
"""

import os
import subprocess
import sys
from pathlib import Path

from testkit import api_credentials, free_port

ROOT = Path(__file__).resolve().parent.parent
APP = {"id": "9001", "key": "bench-key", "secret": "bench-secret"}


def sign_in_everyone(database_url, secret, users):
    """Give every user a session cookie and CSRF token, as the auth endpoint needs both."""
    from addchat import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": database_url})
    for user in users:
        if user.get("token"):
            continue
        user["cookie"], user["token"] = api_credentials(app, user["id"])
    from addchat.extensions import db

    with app.app_context():
        db.engine.dispose()


class PusherStack:
    """Two processes that stand and fall together; `pid` is the Pusher server's."""

    def __init__(self, port, database_url, secret, log, notification_type="pusher"):
        self.web_port = port
        self.pusher_port = free_port()
        self.pusher = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "addchat.transports.pusher.server",
                "--app-id",
                APP["id"],
                "--key",
                APP["key"],
            ]
            + ["--secret", APP["secret"], "--port", str(self.pusher_port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        env = {
            **os.environ,
            "SOCKETIO_ASYNC_MODE": "gevent",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secret,
            "ADDCHAT_NOTIFICATION_TYPE": notification_type,
            "ADDCHAT_SEND_RATE_LIMIT": "1000000/minute",
            "ADDCHAT_POLL_RATE_LIMIT": "1000000/minute",
            "PUSHER_APP_ID": APP["id"],
            "PUSHER_KEY": APP["key"],
            "PUSHER_SECRET": APP["secret"],
            "PUSHER_HOST": "127.0.0.1",
            "PUSHER_PORT": str(self.pusher_port),
        }
        for name in ("SOCKETIO_MESSAGE_QUEUE", "PUSHER_CLUSTER", "PUSHER_SSL"):
            env.pop(name, None)
        self.web = subprocess.Popen(
            [sys.executable, str(ROOT / "serve.py"), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.pid = self.pusher.pid
        self.plan_extra = {"pusher": {"key": APP["key"], "host": "127.0.0.1", "port": self.pusher_port}}

    def poll(self):
        """Return an exit code if either process has ended, else None."""
        for process in (self.web, self.pusher):
            code = process.poll()
            if code is not None:
                return code
        return None

    def terminate(self):
        """Ask both processes to stop."""
        self.web.terminate()
        self.pusher.terminate()

    def wait(self, timeout=None):
        """Wait for both processes."""
        self.web.wait(timeout)
        return self.pusher.wait(timeout)

    def kill(self):
        """Kill both processes."""
        self.web.kill()
        self.pusher.kill()
