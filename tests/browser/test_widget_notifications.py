"""The notifications bell end to end: the host notifies, every open tab updates live, in internal
(polling) and pusher (built-in Pusher-protocol server) mode."""

import re

import pytest
from playwright.sync_api import expect

import addchat
from addchat import create_app
from addchat.transports.pusher.server import App, BackgroundServer
from tests.browser.conftest import LiveServer, seed_demo_users
from tests.browser.widget_po import Widget

PUSHER_APP = App("8013", "bell-key", "bell-secret")


@pytest.fixture(params=["internal", "pusher"])
def live_server(request, tmp_path):
    """The demo app in the mode under test (pusher: the built-in server beside it)."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "browser-tests",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'chat.db'}",
        "ADDCHAT_POLL_INTERVAL_MS": 400,
        "ADDCHAT_POLL_RATE_LIMIT": "100000/minute",
        "ADDCHAT_SEND_RATE_LIMIT": "100000/minute",
        "ADDCHAT_DEFAULT_NOTIFICATION_TYPE": request.param,
    }
    pusher_server = None
    if request.param == "pusher":
        pusher_server = BackgroundServer([PUSHER_APP], port=0).start()
        settings.update(
            PUSHER_APP_ID=PUSHER_APP.id,
            PUSHER_KEY=PUSHER_APP.key,
            PUSHER_SECRET=PUSHER_APP.secret,
            PUSHER_HOST="127.0.0.1",
            PUSHER_PORT=pusher_server.port,
            PUSHER_SSL=False,
            # Pushes only: a long safety poll, so a live update here came by push.
            ADDCHAT_PUSH_SETTLE_MS=30000,
            ADDCHAT_PUSH_SAFETY_POLL_MS=60000,
        )
    app = create_app(settings)
    seed_demo_users(app)
    server = LiveServer(app)
    server.mode = request.param
    server.start()
    yield server
    server.stop()
    if pusher_server is not None:
        pusher_server.stop()


def notify(live_server, key, kind, data, url=None):
    """Call the host's Python API, as a host site's code would."""
    with live_server.app.app_context():
        return addchat.notify(live_server.ids[key], kind, data, url)


def bell(page):
    return page.locator("addchat-widget .bell-btn")


def bell_count(page):
    return page.locator("addchat-widget .bell-count")


def connected(page, mode):
    """Wait until the widget listens (pusher: its user channel is subscribed)."""
    expect(page.locator("addchat-widget .launcher")).to_be_visible()
    if mode == "pusher":
        page.wait_for_function(
            "() => window.AddChat && document.querySelector('addchat-widget') !== null", timeout=10000
        )
        page.wait_for_timeout(1500)


def test_bell_counts_and_mark_read_live_in_a_second_tab(open_page, live_server, shot):
    first = open_page("bob")
    second = first.context.new_page()
    second.goto(live_server.url + "/")
    for page in (first, second):
        connected(page, live_server.mode)
        expect(bell_count(page)).to_be_hidden()

    nid = notify(
        live_server,
        "bob",
        "order.shipped",
        {"title": "<img src=x onerror=alert(1)>", "body": "Order 7 is on its way"},
        "/?order=7",
    )
    for page in (first, second):
        expect(bell_count(page)).to_have_text("1")
        expect(Widget(page).badge).to_have_text("1")
        expect(page).to_have_title(re.compile(r"^\(1\) "))

    widget = Widget(first)
    widget.open()
    bell(first).click()
    item = first.locator(f'addchat-widget .notif[data-id="{nid}"]')
    expect(item).to_contain_text("<img src=x onerror=alert(1)>")  # text, never markup
    expect(item).to_contain_text("Order 7 is on its way")
    expect(item.locator("time")).to_have_text(re.compile("now|second", re.I))
    shot(first, f"notifications-bell-{live_server.mode}")
    item.locator(".notif-mark").click()

    expect(bell_count(second)).to_be_hidden()
    expect(Widget(second).badge).to_be_hidden()
    expect(second).not_to_have_title(re.compile(r"^\("))
    expect(item).to_have_class(re.compile("is-read"))

    # Another one: "mark all read" and delete, live in the other tab too.
    other = notify(live_server, "bob", "welcome", {"title": "Welcome"})
    expect(bell_count(second)).to_have_text("1")
    first.locator("addchat-widget .notif-read-all").click()
    expect(bell_count(second)).to_be_hidden()
    Widget(second).open()
    bell(second).click()
    expect(second.locator("addchat-widget .notif")).to_have_count(2)
    first.locator(f'addchat-widget .notif[data-id="{other}"] .notif-delete').click()
    expect(second.locator("addchat-widget .notif")).to_have_count(1)

    # Clicking a notification with a URL follows it.
    first.locator(f'addchat-widget .notif[data-id="{nid}"] .notif-open').click()
    expect(first).to_have_url(live_server.url + "/?order=7")


def test_load_more_pages_older_notifications(open_page, live_server):
    if live_server.mode != "internal":
        pytest.skip("paging does not depend on the transport")
    for n in range(18):
        notify(live_server, "carol", "n", {"title": f"Note {n}"})
    page = open_page("carol")
    expect(bell_count(page)).to_have_text("18")
    Widget(page).open()
    bell(page).click()
    items = page.locator("addchat-widget .notif")
    expect(items).to_have_count(15)
    expect(items.first).to_contain_text("Note 17")
    page.locator("addchat-widget .notif-more").click()
    expect(items).to_have_count(18)
    expect(items.last).to_contain_text("Note 0")
    expect(page.locator("addchat-widget .notif-more")).to_be_hidden()
