"""The widget in socketio mode: two Chromium browsers on a real `serve.py` server.

Live typing and presence between two people, and the "reconnecting" state driven by the real
connection: the server process is killed and restarted, and nothing sent meanwhile is lost.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.widget_po import Widget
from tests.transports.socketio.servers import ChatDatabase, ChatSocket, Http, ServerProcess

MODES = ["eventlet", "gevent"]


@pytest.fixture
def site(tmp_path):
    """A shared database file; the test starts servers on it."""
    database = ChatDatabase(f"sqlite:///{tmp_path / 'chat.db'}")
    yield database
    database.close()


@pytest.fixture
def server(request, site, tmp_path):
    """`python serve.py` in the async mode under test, socketio as notification_type."""
    process = ServerProcess(site.url, request.param, tmp_path).start()
    yield process
    process.stop()


@pytest.fixture
def person(browser, site, server, page_errors):
    """person("alice") -> (page, Widget) in a browser context of their own, signed in."""
    contexts = []

    def make(key):
        context = browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="en-US", timezone_id="UTC"
        )
        contexts.append(context)
        cookie, _ = site.credentials(key)
        context.add_cookies([{"name": "session", "value": cookie, "url": server.url}])
        page = context.new_page()
        page_errors.watch(page)
        page.goto(server.url + "/")
        widget = Widget(page)
        expect(widget.launcher).to_be_visible()
        return page, widget

    yield make
    for context in contexts:
        context.close()
    # A refused WebSocket during the planned outage is logged by Chromium, not thrown.
    assert not page_errors.unexpected(), page_errors.unexpected()


def subtitle(widget):
    return widget.page.locator("addchat-widget .subtitle")


@pytest.mark.parametrize("server", MODES, indirect=True)
def test_two_browsers_chat_with_live_typing_and_presence(person, site):
    alice_page, alice = person("alice")
    alice.open()
    expect(alice.contact("Bob").locator(".is-online")).to_have_count(0)

    bob_page, bob = person("bob")
    bob.open()
    # Bob came online: Alice's contact list shows his dot without a reload.
    expect(alice.contact("Bob").locator(".is-online")).to_have_count(1)
    alice.open_conversation("Bob")
    expect(subtitle(alice)).to_have_text("Online")
    bob.open_conversation("Alice")

    # Bob types: Alice sees it live; it clears by itself once Bob stops.
    bob.composer.press_sequentially("hello the", delay=30)
    expect(subtitle(alice)).to_have_text("typing")
    expect(subtitle(alice)).to_have_text("Online", timeout=12_000)

    bob.composer.press_sequentially("re", delay=30)
    expect(subtitle(alice)).to_have_text("typing")
    bob.composer.press("Enter")
    expect(alice.message("hello there")).to_have_count(1)
    expect(subtitle(alice)).to_have_text("Online")  # the message arrived: no longer typing

    alice.send("hi Bob")
    expect(bob.message("hi Bob")).to_have_count(1)

    # Alice edits it: Bob sees the new text marked "edited", pushed through the feed.
    alice.message("hi Bob").get_by_role("button", name="Message actions").click()
    alice.message("hi Bob").get_by_role("menuitem", name="Edit").click()
    alice.composer.fill("hi Bob!")
    alice.composer.press("Enter")
    expect(bob.message("hi Bob!").locator(".edited")).to_be_visible()
    expect(alice.message("hi Bob!").locator(".edited")).to_be_visible()

    # Bob closes his only tab: Alice sees him go offline.
    bob_page.context.close()
    expect(subtitle(alice)).not_to_have_text("Online")
    expect(alice.contact("Bob").locator(".is-online")).to_have_count(0)


@pytest.mark.parametrize("server", MODES[:1], indirect=True)
def test_reconnecting_banner_follows_the_connection_and_nothing_is_lost(person, site, server, page_errors):
    page_errors.allow(r"WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource")
    bob_page, bob = person("bob")
    bob.open()
    bob.open_conversation("Alice")
    alice = Http(server.url, *site.credentials("alice"))
    alice.send(site.ids["bob"], "before the cut")
    expect(bob.message("before the cut")).to_have_count(1)
    expect(bob.banner).to_be_hidden()

    server.stop(kill=True)
    expect(bob.banner).to_be_visible()
    # Sent while Bob's widget is cut off (another process on the same database).
    away = site.app.test_client()
    cookie, token = site.credentials("alice")
    away.set_cookie("session", cookie)
    for body in ("while away 1", "while away 2"):
        response = away.post(
            f"/addchat/api/conversations/{site.ids['bob']}/messages",
            json={"body": body},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 201

    server.start()
    expect(bob.banner).to_be_hidden(timeout=30_000)
    alice.send(site.ids["bob"], "after the cut")
    expect(bob.message("after the cut")).to_have_count(1)
    expect(bob.bodies).to_have_text(["before the cut", "while away 1", "while away 2", "after the cut"])


@pytest.fixture
def polling_server(site, tmp_path):
    """A real server whose widgets start in internal (polling) mode."""
    process = ServerProcess(site.url, "eventlet", tmp_path, kind="internal").start()
    yield process
    process.stop()


def test_admin_switch_moves_an_open_widget_onto_sockets(browser, site, polling_server, page_errors):
    context = browser.new_context(locale="en-US", timezone_id="UTC")
    try:
        cookie, _ = site.credentials("bob")
        context.add_cookies([{"name": "session", "value": cookie, "url": polling_server.url}])
        page = context.new_page()
        page_errors.watch(page)
        page.goto(polling_server.url + "/")
        bob = Widget(page)
        bob.open()
        bob.open_conversation("Alice")

        alice = ChatSocket(polling_server.url, *site.credentials("alice")).connect()
        assert alice.call("presence:watch", {"ids": [site.ids["bob"]]})["online"] == []
        response = alice.http.session.post(
            polling_server.url + "/addchat/api/settings", json={"notification_type": "socketio"}, timeout=10
        )
        assert response.status_code == 200, response.text
        # Bob's open widget learns of the switch through its poll and connects a socket by itself.
        alice.wait_event("presence", user_id=site.ids["bob"], online=True)
        alice.call("typing", {"to": site.ids["bob"], "typing": True})
        expect(subtitle(bob)).to_have_text("typing")
        alice.http.send(site.ids["bob"], "now pushed")
        expect(bob.message("now pushed")).to_have_count(1)
        alice.close()
    finally:
        context.close()
    assert not page_errors.unexpected(), page_errors.unexpected()


@pytest.mark.parametrize("server", MODES, indirect=True)
def test_signing_out_in_another_tab_closes_the_widget_socket(person, page_errors):
    # The widget's own safety poll is a minute away: only the server closing the socket tells it.
    page_errors.allow(r"WebSocket|Failed to load resource")
    chat_page, bob = person("bob")
    bob.open()
    bob.open_conversation("Alice")
    site_tab = chat_page.context.new_page()
    page_errors.watch(site_tab)
    site_tab.goto(chat_page.url)
    site_tab.get_by_role("button", name="Sign out").click()
    expect(site_tab.get_by_role("button", name="Sign in")).to_be_visible()
    expect(bob.banner).to_have_text("You were signed out. Reload the page to chat again.")
    expect(bob.composer).to_be_disabled()
