"""Issue 14 in a browser: adaptive polling, 429 said and kept, placement under the host's header,
replies and edits live on both sides, the emoji picker, the steady typing line, touch delete,
brand colour and theme options."""

import re

import pytest
from playwright.sync_api import expect
from test_widget_axe import RUN_AXE, with_axe
from test_widget_isolation_a11y import CONTRAST_JS, serve
from test_widget_transport_interface import FAKE_TRANSPORT
from widget_po import Widget


def polls_per_second(page, polls, seconds):
    """GET poll requests per second over a window (Playwright hands events over while it waits)."""
    start = len(polls)
    page.wait_for_timeout(seconds * 1000)
    return (len(polls) - start) / seconds


@pytest.mark.app_config(
    ADDCHAT_POLL_INTERVAL_MS=1500, ADDCHAT_POLL_ACTIVE_MS=250, ADDCHAT_POLL_HIDDEN_MS=6000
)
def test_polls_fast_only_in_an_open_conversation(open_page, live_server):
    page = open_page("alice")
    polls = []
    page.on("request", lambda r: "/addchat/api/poll" in r.url and polls.append(r.url))
    w = Widget(page)
    closed = polls_per_second(page, polls, 3)
    w.open()
    w.open_conversation("Bob Chen")
    page.wait_for_timeout(500)
    active = polls_per_second(page, polls, 3)
    page.get_by_role("button", name="Back to contacts").click()
    page.wait_for_timeout(1600)
    listing = polls_per_second(page, polls, 3)
    assert closed <= 1.0, closed  # about one per 1.5 s: a closed widget keeps its cost
    assert listing <= 1.0, listing
    assert active >= 2.0, active  # about one per 0.25 s (plus the request's own time)
    # And a message from Bob shows well within a second of being stored.
    w.open_conversation("Bob Chen")
    live_server.api("bob").send(live_server.ids["alice"], "Quick one")
    expect(w.message("Quick one")).to_be_visible(timeout=1500)


@pytest.mark.app_config(ADDCHAT_SEND_RATE_LIMIT="3/3 seconds")
def test_a_rate_limit_is_said_in_words_and_every_message_goes_once_in_order(
    open_page, live_server, page_errors, shot
):
    page = open_page("alice")
    with_axe(page, live_server.url, page_errors)
    w = Widget(page)
    w.open()
    w.open_conversation("Bob Chen")
    texts = [f"Burst {i}" for i in range(1, 9)]
    limited = []
    page.on("response", lambda r: r.status == 429 and limited.append(r.headers.get("retry-after")))
    for text in texts:
        w.send(text)
    notice = page.locator("addchat-widget .send-notice")
    expect(notice.locator("[aria-hidden=true]")).to_have_text(
        re.compile(r"^Sending too fast: waiting \d+ seconds?, then the rest will be sent in order\.$")
    )
    expect(notice).to_have_attribute("role", "status")
    # Said once per wait (the countdown beside it is aria-hidden, so it is not read every second).
    expect(notice.locator(".sr-only")).to_have_text(re.compile(r"^Sending too fast: waiting \d+ seconds?"))
    shot(page, "96-rate-limited")
    assert page.evaluate(RUN_AXE) == []  # the notice state too
    for text in texts:
        expect(w.ticks_of(text)).to_have_attribute("aria-label", "Sent", timeout=30_000)
    expect(notice).to_be_hidden()
    assert limited and all(value and value.isdigit() for value in limited), limited
    stored = (
        live_server.api("bob")
        .client.get(f"/addchat/api/conversations/{live_server.ids['alice']}/messages")
        .get_json()
    )
    assert [m["body"] for m in stored["messages"]] == texts  # each once, in the order typed
    expect(w.bodies).to_have_text(texts)


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768), (1440, 900), (1920, 1080), (1024, 768)])
def test_the_open_panel_leaves_the_host_header_free(open_page, size):
    width, height = size
    page = open_page("alice", viewport={"width": width, "height": height})
    w = Widget(page)
    w.open()
    header = page.locator(".site-header").bounding_box()
    panel = w.panel.bounding_box()
    assert panel["y"] >= header["y"] + header["height"], (panel, header)
    sign_out = page.get_by_role("button", name="Sign out")
    sign_out.click(trial=True)  # nothing covers it: Playwright would refuse the click
    assert panel["height"] >= 320


def test_data_offset_top_moves_the_panel_down_and_phones_stay_full_screen(open_page, live_server):
    page = open_page("alice", path=None, viewport={"width": 1280, "height": 800})
    html = '<!doctype html><html lang="en"><body><h1>Tall header</h1><script src="/addchat/widget.js" defer data-offset-top="200"></script></body></html>'
    serve(page, live_server.url + "/offset", html)
    page.goto(live_server.url + "/offset")
    w = Widget(page)
    w.open()
    assert w.panel.bounding_box()["y"] >= 200
    page.set_viewport_size({"width": 400, "height": 700})
    w.settle()
    assert w.panel.bounding_box() == {"x": 0, "y": 0, "width": 400, "height": 700}


def test_reply_and_edit_show_live_on_both_sides(open_page, live_server, shot):
    alice_page, bob_page = open_page("alice"), open_page("bob")
    alice, bob = Widget(alice_page), Widget(bob_page)
    alice.open()
    alice.open_conversation("Bob Chen")
    bob.open()
    bob.open_conversation("Alice Martin")
    alice.send("Lunch at 12?")
    expect(bob.message("Lunch at 12?")).to_be_visible()

    # Bob replies to it through the message's menu: both sides show the quote.
    question = bob.message("Lunch at 12?")
    question.get_by_role("button", name="Message actions").click()
    question.get_by_role("menuitem", name="Reply").click()
    expect(bob_page.locator("addchat-widget .compose-bar")).to_contain_text("Replying to Alice Martin")
    bob.send("Yes, see you there")
    for w, quoted in ((bob, "Alice Martin"), (alice, "You")):
        quote = w.message("Yes, see you there").locator(".quote")
        expect(quote).to_contain_text("Lunch at 12?")
        expect(quote.locator(".quote-name")).to_have_text(quoted)

    # Alice edits her question: both see the new text marked "edited", and the quote follows.
    mine = alice.message("Lunch at 12?")
    mine.get_by_role("button", name="Message actions").click()
    mine.get_by_role("menuitem", name="Edit").click()
    expect(alice_page.locator("addchat-widget .compose-bar")).to_contain_text("Editing your message")
    expect(alice.composer).to_have_value("Lunch at 12?")
    alice.composer.fill("Lunch at 12:30?")
    alice.composer.press("Enter")
    for w in (alice, bob):
        edited = w.message("Lunch at 12:30?")
        expect(edited.locator(".edited")).to_have_text("edited")
        expect(w.message("Yes, see you there").locator(".quote")).to_contain_text("Lunch at 12:30?")
        expect(w.bodies).to_have_count(2)
    # Bob cannot edit Alice's message: no Edit in his menu.
    theirs = bob.message("Lunch at 12:30?")
    theirs.get_by_role("button", name="Message actions").click()
    expect(theirs.get_by_role("menuitem", name="Edit")).to_be_hidden()
    expect(theirs.get_by_role("menuitem", name="Delete message")).to_be_hidden()
    shot(alice_page, "97-reply-edit-sender")
    shot(bob_page, "98-reply-edit-recipient")


def test_emoji_picker_inserts_at_the_caret_and_seen_is_said_in_words(open_page, live_server, shot):
    page = open_page("alice")
    w = Widget(page)
    w.open()
    w.open_conversation("Bob Chen")
    w.composer.fill("Hello ")
    page.get_by_role("button", name="Emoji").click()
    picker = page.get_by_role("group", name="Emoji")
    expect(picker).to_be_visible()
    shot(page, "99-emoji-picker")
    picker.get_by_role("button", name="👋").click()
    expect(w.composer).to_have_value("Hello 👋")
    expect(w.composer).to_be_focused()
    w.composer.press("Enter")
    expect(w.ticks_of("Hello 👋")).to_have_attribute("aria-label", "Sent")
    receipt = page.locator("addchat-widget .receipt:not([hidden])")
    expect(receipt).to_have_text("Sent")
    stored = (
        live_server.api("bob")
        .client.get(f"/addchat/api/conversations/{live_server.ids['alice']}/messages")
        .get_json()
    )
    live_server.api("bob").post(
        f"conversations/{live_server.ids['alice']}/seen", {"up_to_id": stored["messages"][-1]["id"]}
    )
    expect(receipt).to_have_text("Seen")
    font = w.message("Hello 👋").locator(".body").evaluate("el => getComputedStyle(el).fontFamily")
    assert "Noto Color Emoji" in font and "Segoe UI Emoji" in font


def test_typing_line_is_steady_through_quick_sends(open_page, live_server):
    live_server.api("alice").post("settings", {"notification_type": "socketio"})
    page = open_page("alice", path=None)
    page.route(
        "**/addchat/static/**/widget/transports/socketio.js",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=FAKE_TRANSPORT),
    )
    page.goto(live_server.url + "/")
    w = Widget(page)
    page.wait_for_function("() => window.__fakeTransport && window.__fakeTransport.started !== null")
    bob_id = live_server.ids["bob"]
    w.open()
    page.evaluate(f"window.__fakeTransport.presence({bob_id}, true)")
    w.open_conversation("Bob Chen")
    subtitle = page.locator("addchat-widget .subtitle")
    expect(subtitle).to_have_text("Online")
    # Record every text the line shows while Bob types and sends four times, 150 ms apart.
    shown = page.evaluate(
        """async (bob) => {
            const line = document.querySelector('addchat-widget').shadowRoot.querySelector('.subtitle');
            const seen = [];
            const observer = new MutationObserver(() => seen.push(line.textContent));
            observer.observe(line, {childList: true, characterData: true, subtree: true});
            for (let i = 0; i < 4; i++) {
              window.__fakeTransport.typing(bob, true);
              await new Promise((r) => setTimeout(r, 150));
              window.__fakeTransport.typing(bob, false);
              await new Promise((r) => setTimeout(r, 150));
            }
            observer.disconnect();
            return seen;
        }""",
        bob_id,
    )
    assert shown == ["typing"], shown  # on once, never back to "Online" in between
    expect(subtitle).to_have_text("Online")  # and off once it really stopped


def test_on_touch_screens_delete_is_in_the_menu_opened_by_a_long_press(open_page, live_server, shot):
    live_server.api("alice").send(live_server.ids["bob"], "Typo here")
    page = open_page("alice", viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    w = Widget(page)
    w.launcher.tap()
    w.open_conversation("Bob Chen")
    message = w.message("Typo here")
    expect(message.locator(".msg-action.del")).to_be_hidden()  # no trash beside every message
    bubble = message.locator(".bubble")
    box = bubble.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    client = page.context.new_cdp_session(page)
    client.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    page.wait_for_timeout(700)
    client.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    menu = message.get_by_role("menu", name="Message actions")
    expect(menu).to_be_visible()
    shot(page, "9a-touch-menu")
    menu.get_by_role("menuitem", name="Delete message").tap()
    message.get_by_role("button", name="Delete", exact=True).tap()
    expect(page.locator("addchat-widget .msg.deleted .body")).to_have_text("Message deleted")


def test_brand_colour_keeps_contrast_and_the_theme_defaults_to_light(open_page, live_server, shot):
    live_server.api("bob").send(live_server.ids["alice"], "Brand check")
    html = '<!doctype html><html lang="en"><body><h1>Yellow brand</h1><script src="/addchat/widget.js" defer data-color="#ffd400"></script></body></html>'
    page = open_page("alice", path=None, color_scheme="dark")
    serve(page, live_server.url + "/brand", html)
    page.goto(live_server.url + "/brand")
    w = Widget(page)
    w.open()
    # Light by default, even on a dark-preferring system (sites that are light only stay light).
    assert w.panel.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 255, 255)"
    w.open_conversation("Bob Chen")
    w.send("Mine in the brand colour")
    expect(w.ticks_of("Mine in the brand colour")).to_have_attribute("aria-label", "Sent")
    # Fills keep the brand colour itself (polled: the launcher's background eases in over 0.15 s).
    expect(w.launcher).to_have_css("background-color", "rgb(255, 212, 0)")
    assert w.launcher.evaluate("el => getComputedStyle(el).color") == "rgb(17, 17, 17)"  # dark on yellow
    result = page.evaluate(CONTRAST_JS)
    assert result["checked"] > 5 and not result["failures"], result
    shot(page, "9b-brand-colour")
