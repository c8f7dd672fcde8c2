"""The README's production section, followed literally: gunicorn (gevent) x2, Redis, a real nginx.

The gunicorn command lines and the nginx server block are read from README.md (only ports and
paths are changed), so the README cannot drift from what works. Through nginx: health and
readiness, request ids from nginx into the app's JSON logs and back, a WebSocket push across the
two processes (the Redis queue), the long-polling fallback (sticky upstream), no compression.
"""

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys

import pytest
import requests
import socketio

from testkit import free_port, throwaway_database
from tests.faults.services import OwnRedis
from tests.ops.test_websocket_compression import handshake, negotiated
from tests.transports.socketio.servers import ROOT, ChatDatabase, ChatSocket, Http, wait_until

README = (ROOT / "README.md").read_text()


def readme_production():
    """Return (gunicorn argument lists, nginx server block) from the README's Production section."""
    section = README.split("## Production", 1)[1].split("\n## ", 1)[0]
    gunicorns = [shlex.split(line) for line in section.splitlines() if line.startswith(".venv/bin/gunicorn ")]
    block = section.split("# /etc/nginx/conf.d/addchat.conf\n", 1)[1].split("```", 1)[0]
    return gunicorns, block


def nginx_binary():
    """nginx from Debian's package, or skip (fail under CI, where `make test` installs it)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: `make nginx` installs Debian's package")
        pytest.skip("nginx is not installed (make nginx)")
    return found


@pytest.fixture
def stack(tmp_path):
    """Redis, two gunicorn processes as the README starts them, nginx as the README configures it."""
    nginx = nginx_binary()
    redis_server = OwnRedis().start()
    base = os.environ.get("ADDCHAT_TEST_POSTGRES_URL")
    url = throwaway_database(base, prefix="addchat_prod")[0] if base else f"sqlite:///{tmp_path / 'chat.db'}"
    chat = ChatDatabase(url)
    env = {
        **os.environ,
        "ADDCHAT_CONFIG": "production",
        # Production refuses published or weak secrets (README, Security): strong ones, as the README says.
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PUSHER_SECRET": secrets.token_urlsafe(32),
        "PUSHER_KEY": secrets.token_hex(10),
        "PUSHER_APP_ID": str(secrets.randbelow(10**9) + 10**6),
        "DATABASE_URL": url,
        "SOCKETIO_MESSAGE_QUEUE": redis_server.url,
        "RATELIMIT_STORAGE_URI": redis_server.url.replace("/0", "/1"),
        "ADDCHAT_LOG_FORMAT": "json",
        "ADDCHAT_NOTIFICATION_TYPE": "socketio",
        "SOCKETIO_CHANNEL": "prod-test",
    }
    chat.app.config["SECRET_KEY"] = env["SECRET_KEY"]  # cookies the production processes accept
    gunicorns, block = readme_production()
    assert len(gunicorns) == 2
    ports, processes, logs = [], [], []
    for argv in gunicorns:
        port = free_port()
        ports.append(port)
        argv = [sys.executable, "-m", "gunicorn", *argv[1:]]
        argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
        log = tmp_path / f"gunicorn-{port}.log"
        logs.append(log)
        with open(log, "wb") as out:
            processes.append(subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
    listen = free_port()
    block = block.replace("127.0.0.1:5001", f"127.0.0.1:{ports[0]}").replace(
        "127.0.0.1:5002", f"127.0.0.1:{ports[1]}"
    )
    block = block.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    temp = tmp_path / "nginx"
    temp.mkdir()
    conf = temp / "nginx.conf"
    conf.write_text(
        f"daemon off;\nworker_processes 1;\npid {temp}/nginx.pid;\nerror_log {temp}/error.log;\n"
        + ("user root;\n" if os.geteuid() == 0 else "")
        + "events { worker_connections 1024; }\n"
        + f"http {{\naccess_log {temp}/access.log;\n"
        + "".join(
            f"{kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + block
        + "}\n"
    )
    proxy = subprocess.Popen([nginx, "-c", str(conf), "-p", str(temp), "-e", str(temp / "error.log")])
    site = f"http://127.0.0.1:{listen}"

    def up(target):
        try:
            return requests.get(target + "/addchat/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    try:
        for port in ports:
            wait_until(lambda p=port: up(f"http://127.0.0.1:{p}"), timeout=60, message=f"gunicorn on {port}")
        wait_until(lambda: up(site), timeout=20, message="nginx")
        yield {"site": site, "ports": ports, "chat": chat, "logs": logs}
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        chat.close()
        redis_server.stop()


def test_the_readme_production_setup_works_behind_nginx(stack):
    site, chat = stack["site"], stack["chat"]
    # Health and readiness through nginx, each dependency named.
    assert requests.get(site + "/addchat/healthz", timeout=5).json() == {"ok": True}
    ready = requests.get(site + "/addchat/readyz", timeout=5)
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert checks["database"]["ok"] and checks["redis"]["ok"] and checks["redis"]["required"]

    # nginx's $request_id reaches the app, which answers with it and logs it in JSON.
    response = requests.get(site + "/addchat/healthz", timeout=5)
    rid = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)

    def logged():
        for log in stack["logs"]:
            for line in log.read_text(errors="replace").splitlines():
                if line.startswith("{") and json.loads(line).get("request_id") == rid:
                    return json.loads(line)
        return None

    line = wait_until(logged, message="the request's JSON log line")
    assert line["path"] == "/addchat/healthz" and line["status"] == 200

    # A WebSocket through nginx; sends through nginx and straight into each process all arrive by push.
    bob_id = chat.ids["bob"]
    bob = ChatSocket(site, *chat.credentials("bob")).connect()
    try:
        bodies = []
        for n, target in enumerate([site, *(f"http://127.0.0.1:{p}" for p in stack["ports"])]):
            bodies.append(f"prod-{n}")
            Http(target, *chat.credentials("alice")).send(bob_id, bodies[-1])
        bob.wait_bodies(*bodies)
        assert bob.bodies() == bodies
    finally:
        bob.close()

    # The long-polling fallback holds together behind the sticky upstream.
    cookie, _ = chat.credentials("carol")
    polling = socketio.Client(reconnection=False)
    got = []
    polling.on("change", lambda change: got.append(change["data"]["body"]))
    polling.connect(site, headers={"Cookie": f"session={cookie}"}, transports=["polling"])
    try:
        Http(site, *chat.credentials("alice")).send(chat.ids["carol"], "by long-polling")
        wait_until(lambda: "by long-polling" in got, message="a push over long-polling")
    finally:
        polling.disconnect()

    # Compression refused through the proxy too.
    port = int(site.rsplit(":", 1)[1])
    assert not negotiated(handshake(port, "/socket.io/?EIO=4&transport=websocket"))
