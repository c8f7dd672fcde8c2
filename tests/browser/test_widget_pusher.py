"""Two browsers chat in pusher mode: pusher-js in the widget, the built-in Pusher-protocol server."""

import re

import pytest
from playwright.sync_api import expect
from widget_po import Widget

from addchat import create_app
from addchat.transports.pusher.server import App, BackgroundServer
from tests.browser.conftest import LiveServer, seed_demo_users

PUSHER_APP = App("8001", "browser-key", "browser-secret")


class RestartablePusherServer:
    """The built-in server on one fixed port, stopped and started again by a test."""

    def __init__(self):
        self.background = BackgroundServer([PUSHER_APP], port=0).start()
        self.port = self.background.port

    def stop(self):
        """Stop serving: clients are disconnected and cannot reconnect."""
        if self.background is not None:
            self.background.stop()
            self.background = None

    def start(self):
        """Serve again on the same port."""
        self.background = BackgroundServer([PUSHER_APP], port=self.port).start()


@pytest.fixture
def live_server(tmp_path):
    """The demo app in pusher mode, with the built-in Pusher-protocol server beside it."""
    pusher_server = RestartablePusherServer()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'chat.db'}",
            "ADDCHAT_DEFAULT_NOTIFICATION_TYPE": "pusher",
            "ADDCHAT_POLL_RATE_LIMIT": "100000/minute",
            "ADDCHAT_SEND_RATE_LIMIT": "100000/minute",
            "PUSHER_APP_ID": PUSHER_APP.id,
            "PUSHER_KEY": PUSHER_APP.key,
            "PUSHER_SECRET": PUSHER_APP.secret,
            "PUSHER_HOST": "127.0.0.1",
            "PUSHER_PORT": pusher_server.port,
            "PUSHER_SSL": False,
            "PUSHER_TIMEOUT": 2,
            # Pushes are confirmed by a poll soon after (the widget's default waits 1.5 s and
            # polls every minute): a lost trigger is found in well under a second here.
            "ADDCHAT_PUSH_SETTLE_MS": 300,
            "ADDCHAT_PUSH_SAFETY_POLL_MS": 2000,
        }
    )
    seed_demo_users(app)
    server = LiveServer(app)
    server.pusher = pusher_server
    server.pusher_port = pusher_server.port
    server.start()
    yield server
    server.stop()
    pusher_server.stop()


def pusher_sockets(page, port):
    """Record the WebSockets a page opens to the Pusher-protocol server."""
    opened = []
    page.on("websocket", lambda ws: f":{port}/app/" in ws.url and opened.append(ws.url))
    return opened


def test_two_browsers_chat_with_typing_and_presence_in_pusher_mode(open_page, live_server, shot):
    alice_page = open_page("alice", path=None)
    alice_sockets = pusher_sockets(alice_page, live_server.pusher_port)
    auth_calls = []
    alice_page.on("request", lambda r: "/addchat/pusher/auth" in r.url and auth_calls.append(r.url))
    contact_lists = []
    alice_page.on(
        "request", lambda r: r.url.endswith("/addchat/api/contacts") and contact_lists.append(r.url)
    )
    alice_page.goto(live_server.url + "/")
    alice = Widget(alice_page)
    expect(alice.launcher).to_be_visible()
    alice.open()
    alice.open_conversation("Bob Chen")
    subtitle = alice_page.locator("addchat-widget .panel .subtitle")
    # Bob is not here yet: no online dot.
    expect(subtitle).to_be_hidden()

    bob_page = open_page("bob")
    bob = Widget(bob_page)
    bob.open()
    # Presence through our pair's presence channel: each sees the other come online.
    expect(subtitle).to_have_text("Online")
    expect(bob.contact("Alice Martin").locator(".is-online")).to_have_count(1)
    expect(bob.contact("Carol Diaz").locator(".is-online")).to_have_count(0)
    # The transport watches the contacts the widget loaded: no second GET /contacts of its own.
    assert len(contact_lists) == 1, contact_lists
    bob.open_conversation("Alice Martin")

    # Typing travels as a client event, peer to peer through the server.
    bob.composer.press_sequentially("Hello Al", delay=30)
    expect(subtitle).to_have_text("typing")
    expect(subtitle).to_have_class(re.compile(r"\bis-typing\b"))
    shot(alice_page, "pusher-01-typing")
    bob.composer.press("Enter")
    expect(alice.message("Hello Al")).to_have_class(re.compile(r"\btheirs\b"))
    expect(subtitle).to_have_text("Online")

    alice.send("Hi Bob, pushed to you")
    expect(bob.message("Hi Bob, pushed to you")).to_have_class(re.compile(r"\btheirs\b"))
    expect(alice.ticks_of("Hi Bob, pushed to you")).to_have_attribute("aria-label", "Seen")

    # An edit reaches the other side live through the pushed feed change.
    alice.message("Hi Bob, pushed to you").get_by_role("button", name="Message actions").click()
    alice.page.get_by_role("menuitem", name="Edit").click()
    alice.composer.fill("Hi Bob, pushed and edited")
    alice.composer.press("Enter")
    expect(bob.message("Hi Bob, pushed and edited").locator(".edited")).to_have_text("edited")
    shot(bob_page, "pusher-02-conversation")
    assert alice_sockets, "the widget never opened a WebSocket to the Pusher-protocol server"
    # Her feed channel and a presence channel per contact were authorised in batches, not one by one.
    assert auth_calls and all(url.endswith("/addchat/pusher/auth/batch") for url in auth_calls), auth_calls
    assert len(auth_calls) <= 3, auth_calls

    # Over Pusher's 10 KB event limit: a reference is pushed and the widget fetches the message.
    big = "\N{EURO SIGN}" * 4000 + " the end"  # 4,008 characters, over 12,000 bytes
    alice.composer.fill(big)
    alice.composer.press("Enter")
    expect(bob.message("the end")).to_have_class(re.compile(r"\btheirs\b"))

    # Bob leaves: his presence goes with him.
    bob_page.context.close()
    expect(subtitle).to_be_hidden()


def test_reconnecting_banner_then_catch_up_of_what_was_sent_meanwhile(open_page, live_server, shot):
    bob_page = open_page("bob")
    bob = Widget(bob_page)
    bob.open()
    bob.open_conversation("Alice Martin")
    alice_api = live_server.api("alice")
    alice_api.send(live_server.ids["bob"], "before the cut")
    expect(bob.message("before the cut")).to_be_visible()
    expect(bob.banner).to_be_hidden()

    live_server.pusher.stop()
    expect(bob.banner).to_have_text("Reconnecting…")
    shot(bob_page, "pusher-03-reconnecting")
    # The trigger fails (logged), the message is in the feed all the same.
    alice_api.send(live_server.ids["bob"], "sent while you were away")

    live_server.pusher.start()
    # pusher-js retries on its own schedule; after reconnecting the widget polls from its cursor.
    expect(bob.message("sent while you were away")).to_be_visible(timeout=40_000)
    expect(bob.banner).to_be_hidden()
    alice_api.send(live_server.ids["bob"], "pushed again")
    expect(bob.message("pushed again")).to_be_visible()
    expect(bob.messages).to_have_count(3)


def test_admin_switches_to_pusher_with_one_click_and_open_widgets_follow(open_page, live_server):
    live_server.api("alice").post("settings", {"notification_type": "internal"})
    bob_page = open_page("bob")
    bob = Widget(bob_page)
    bob.open()
    bob.open_conversation("Alice Martin")

    admin = open_page("alice", path="/addchat/admin/", wait_widget=False)
    on_pusher = lambda ws: f":{live_server.pusher_port}/app/" in ws.url  # noqa: E731
    with bob_page.expect_websocket(on_pusher):
        admin.locator("button[data-value=pusher]").click()
        expect(admin.locator("#admin-status")).to_have_text("Live: pusher")

    live_server.api("alice").send(live_server.ids["bob"], "now through Pusher")
    expect(bob.message("now through Pusher")).to_have_class(re.compile(r"\btheirs\b"))
    expect(bob.banner).to_be_hidden()


def test_a_lost_trigger_is_caught_up_while_the_socket_stays_connected(open_page, live_server):
    bob_page = open_page("bob")
    bob = Widget(bob_page)
    bob.open()
    bob.open_conversation("Alice Martin")
    alice_api = live_server.api("alice")
    alice_api.send(live_server.ids["bob"], "first, pushed")
    expect(bob.message("first, pushed")).to_be_visible()

    # The app signs its triggers with a wrong secret for one message: the server refuses it (logged).
    app = live_server.app
    transport = app.extensions["addchat"].transports["pusher"]
    app.config["PUSHER_SECRET"] = "wrong-secret"
    transport.connect(app.config)
    alice_api.send(live_server.ids["bob"], "second, trigger lost")
    app.config["PUSHER_SECRET"] = PUSHER_APP.secret
    transport.connect(app.config)
    alice_api.send(live_server.ids["bob"], "third, pushed")

    expect(bob.message("third, pushed")).to_be_visible()
    # The push of the third is unconfirmed; the widget's settle poll (from the confirmed cursor) brings the second.
    expect(bob.message("second, trigger lost")).to_be_visible(timeout=30_000)
    expect(bob.bodies).to_have_text(["first, pushed", "second, trigger lost", "third, pushed"])
    expect(bob.banner).to_be_hidden()
