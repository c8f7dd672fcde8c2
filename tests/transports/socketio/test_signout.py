"""Signing out closes that browser session's sockets (in every process), and only those."""

import re

import pytest
import requests
import socketio

from tests.transports.socketio.conftest import MODES
from tests.transports.socketio.servers import ChatSocket, Http, wait_until


class Browser:
    """A browser with a real cookie jar that signs in and out through the demo's forms."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()

    def sign_in(self, email):
        """Sign in through the demo's /login form (Flask-Login's login_user)."""
        form = self.http.get(f"{self.base_url}/login", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        response = self.http.post(
            f"{self.base_url}/login",
            data={"email": email, "password": "demo", "csrf_token": token},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text
        self.token = self.http.get(f"{self.base_url}/addchat/api/config", timeout=10).json()["csrf_token"]
        return self

    def cookie(self):
        """Return the session cookie the jar holds now."""
        return self.http.cookies.get("session")

    def socket(self, server):
        """Open one tab's socket (no reconnect) on a server with the jar's current cookie."""
        return ChatSocket(server.url, self.cookie(), self.token, reconnect=False).connect()

    def sign_out(self):
        """Sign out through the demo's POST /logout (Flask-Login's logout_user)."""
        response = self.http.post(
            f"{self.base_url}/logout", data={"csrf_token": self.token}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text


def refused(server, cookie):
    """Return True when a socket connect with this session cookie is refused."""
    client = socketio.Client(reconnection=False)
    try:
        client.connect(server.url, headers={"Cookie": f"session={cookie}"}, transports=["websocket"])
    except socketio.exceptions.ConnectionError:
        return True
    client.disconnect()
    return False


def check_sign_out(browser, sockets, others, server, chat_db):
    """Sign out; the session's sockets close, its cookies cannot reconnect, other sessions live on."""
    old_cookie = browser.cookie()
    browser.sign_out()
    for sock in sockets:
        wait_until(lambda sock=sock: not sock.sio.connected, message="the signed-out socket to close")
    assert refused(server, browser.cookie())  # the jar's cookie after sign-out: no user
    assert refused(server, old_cookie)  # a copy of the old cookie: that session was signed out
    for other in others:
        assert other.sio.connected
        assert other.call("presence:watch", {"ids": []})["ok"] is True
    alice = Http(server.url, *chat_db.credentials("alice"))
    alice.send(chat_db.ids["bob"], "after the sign-out")
    for other in others:
        other.wait_bodies("after the sign-out")


def test_sign_out_closes_that_sessions_sockets_only(server, tab, chat_db):
    browser = Browser(server.url).sign_in("bob@example.com")
    signed_out = [browser.socket(server), browser.socket(server)]
    other_session = tab("bob", server)
    try:
        check_sign_out(browser, signed_out, [other_session], server, chat_db)
    finally:
        for sock in signed_out:
            sock.close()


@pytest.mark.parametrize("mode", MODES)
def test_sign_out_in_one_process_closes_sockets_in_another(mode, processes, redis_url, tab, chat_db):
    a, b = processes(mode, 2, queue=redis_url)
    browser = Browser(a.url).sign_in("bob@example.com")
    signed_out = [browser.socket(b), browser.socket(a)]
    others = [tab("bob", b), tab("bob", a)]
    try:
        check_sign_out(browser, signed_out, others, b, chat_db)
    finally:
        for sock in signed_out:
            sock.close()
