"""The host site's path, end to end: the wheel in a fresh virtualenv, examples/host_site/ run from a
copy outside the repository (no AddChat config.py, static/ or templates/ on its path), two members
chatting in Chromium, the host's own forms untouched, and the staff member switching to socketio from
the admin panel while both widgets stay open.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect
from widget_po import Widget

from testkit import free_port

ROOT = Path(__file__).resolve().parents[2]
PIP_TIMEOUT = 180


def run(args, **kwargs):
    """Run a command, failing the test with its output if it fails."""
    done = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed_site(tmp_path_factory):
    """Build the wheel, pip install it into a new virtualenv, and serve a copy of the example site."""
    work = tmp_path_factory.mktemp("installed")
    run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(work / "dist"),
            str(ROOT),
        ]
    )
    (wheel,) = (work / "dist").glob("flask_addchat-*.whl")
    run([sys.executable, "-m", "venv", str(work / "venv")], timeout=120)
    python, flask = work / "venv" / "bin" / "python", work / "venv" / "bin" / "flask"
    # The same versions CI pins (requirements.txt, extras stripped: constraints cannot carry them).
    constraints = work / "constraints.txt"
    pins = (ROOT / "requirements.txt").read_text().splitlines()
    constraints.write_text("\n".join(re.sub(r"\[.*?\]", "", line) for line in pins) + "\n")
    run([str(python), "-m", "pip", "install", "-q", "-c", str(constraints), str(wheel)], timeout=PIP_TIMEOUT)
    site = work / "host_site"
    shutil.copytree(
        ROOT / "examples" / "host_site", site, ignore=shutil.ignore_patterns("instance", "__pycache__")
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FLASK_APP")}
    # Nothing listens there: the panel must show pusher as unavailable, whatever runs on this machine.
    env.update(SECRET_KEY="installed-test", PUSHER_PORT=str(free_port()), ADDCHAT_POLL_INTERVAL_MS="500")
    located = run([str(python), "-c", "import addchat; print(addchat.__file__)"], cwd=site, env=env)
    assert located.startswith(str(work / "venv")), located
    assert "Created" in run([str(flask), "--app", "host_site", "addchat", "create-tables"], cwd=site, env=env)
    run([str(flask), "--app", "host_site", "seed-members"], cwd=site, env=env)
    port = free_port()
    log = open(work / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [str(flask), "--app", "host_site", "run", "--port", str(port)],
        cwd=site,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/signin", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail((work / "server.log").read_text())
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def sign_in(browser, url, email, page_errors):
    """A member's own browser, signed in through the host's sign-in form (it carries no CSRF token)."""
    context = browser.new_context()
    page = context.new_page()
    page_errors.watch(page)
    page.goto(url + "/signin")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "member")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Welcome")
    return page


def test_two_members_chat_and_staff_switches_transport_on_the_installed_package(
    installed_site, browser, page_errors
):
    url = installed_site
    ann_page = sign_in(browser, url, "ann@example.com", page_errors)
    ben_page = sign_in(browser, url, "ben@example.com", page_errors)
    ann, ben = Widget(ann_page), Widget(ben_page)

    # The host's own form keeps working beside AddChat.
    ben_page.fill("input[name=text]", "a note of the site's own")
    ben_page.click("text=Post note")
    expect(ben_page.locator("#notes li")).to_have_text(["a note of the site's own"])

    ann.open()
    ann.open_conversation("Ben Guest")
    ben.open()
    ben.open_conversation("Ann Host")
    ann.send("Hello Ben, from the installed wheel")
    expect(ben.message("Hello Ben, from the installed wheel")).to_have_count(1)
    ben.send("Hi Ann")
    expect(ann.message("Hi Ann")).to_have_count(1)

    # Ben's page opens a WebSocket once the staff member switches to socketio.
    sockets = []
    ben_page.on("websocket", lambda ws: sockets.append(ws.url))

    admin = ann_page.context.new_page()
    page_errors.watch(admin)
    admin.goto(url + "/addchat/admin/")
    expect(admin.locator("h1")).to_have_text("Chat admin")
    expect(admin.locator("#summary-internal")).to_contain_text("one small request per open widget")
    pusher_button = admin.locator('button[data-value="pusher"]')
    expect(pusher_button).to_be_disabled()
    expect(admin.locator('[data-unavailable="pusher"]')).to_contain_text("does not answer")
    expect(admin.locator('[data-stat="messages_per_minute"]')).to_contain_text("so far")
    admin.locator('button[data-value="socketio"]').click()
    expect(admin.locator("#admin-status")).to_have_text("Live: socketio")

    deadline = time.monotonic() + 15
    while not any("/socket.io/" in s for s in sockets) and time.monotonic() < deadline:
        ben_page.wait_for_timeout(200)
    assert any("/socket.io/" in s for s in sockets), "Ben's widget moved onto a WebSocket"
    ann.send("Now over Socket.IO")
    expect(ben.message("Now over Socket.IO")).to_have_count(1)
    expect(admin.locator('[data-stat="socketio"]')).not_to_have_text("0 / 0 (process)", timeout=10_000)
    expect(admin.locator('[data-stat="notification_type"]')).to_have_text("socketio")
    assert page_errors.unexpected() == []
