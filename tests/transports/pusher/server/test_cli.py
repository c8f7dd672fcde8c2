"""The pusher-server click command, run by `flask` against an app whose config names the Pusher app."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from testkit import free_port

from .conftest import APP, connect, pusher_lib, run

pytestmark = pytest.mark.timeout(30)

ROOT = str(Path(__file__).resolve().parents[4])

APP_MODULE = """
from flask import Flask
from addchat.transports.pusher.server.cli import pusher_server_command

app = Flask(__name__)
app.config.update(
    PUSHER_APP_ID={id!r}, PUSHER_KEY={key!r}, PUSHER_SECRET={secret!r},
    PUSHER_SERVER_HOST="127.0.0.1", PUSHER_SERVER_PORT={port},
)
app.cli.add_command(pusher_server_command)
"""


def serve_and_check(args, cwd, env, port):
    """Start the command, receive a library trigger through it, stop it with SIGTERM."""
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.1)

        async def scenario():
            async with aiohttp.ClientSession() as session:
                client = await connect(session, port)
                await client.subscribe("news")
                pusher_lib(port).trigger("news", "hello", {"via": "cli"})
                assert json.loads((await client.next("hello"))["data"]) == {"via": "cli"}

        run(scenario())
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_flask_command_serves_the_configured_app(tmp_path):
    port = free_port()
    (tmp_path / "cliapp.py").write_text(
        APP_MODULE.format(id=APP.id, key=APP.key, secret=APP.secret, port=port)
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), ROOT]))
    serve_and_check([sys.executable, "-m", "flask", "--app", "cliapp", "pusher-server"], tmp_path, env, port)


def test_addchat_group_runs_it_on_the_real_app():
    port = free_port()
    env = dict(
        os.environ,
        ADDCHAT_CONFIG="testing",
        PUSHER_APP_ID=APP.id,
        PUSHER_KEY=APP.key,
        PUSHER_SECRET=APP.secret,
    )
    args = [sys.executable, "-m", "flask", "--app", "wsgi", "addchat", "pusher-server", "--port", str(port)]
    serve_and_check(args, ROOT, env, port)


def test_flask_command_reports_missing_config(tmp_path):
    (tmp_path / "bareapp.py").write_text(
        "from flask import Flask\n"
        "from addchat.transports.pusher.server.cli import pusher_server_command\n"
        "app = Flask(__name__)\n"
        "app.cli.add_command(pusher_server_command)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), ROOT]))
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "bareapp", "pusher-server"],
        cwd=tmp_path,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert done.returncode != 0
    assert "PUSHER_APP_ID" in done.stderr


def test_flask_command_reports_a_busy_port(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        (tmp_path / "busyapp.py").write_text(
            APP_MODULE.format(id=APP.id, key=APP.key, secret=APP.secret, port=port)
        )
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), ROOT]))
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "busyapp", "pusher-server"],
            cwd=tmp_path,
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=20,
        )
    assert done.returncode != 0
    assert f"cannot serve on 127.0.0.1:{port}" in done.stderr
