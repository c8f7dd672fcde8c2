"""Two people chatting through the widget on the demo site, in internal (polling) mode."""

import re

from playwright.sync_api import expect
from widget_po import Widget


def login_through_form(page, base_url, email):
    """Sign in with the demo site's own /login form, as a person would."""
    page.goto(base_url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "demo")
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(base_url + "/")


def test_two_people_chat_both_ways_with_live_badges_and_ticks(open_page, live_server, shot):
    alice_page = open_page(None, path=None)
    login_through_form(alice_page, live_server.url, "alice@example.com")
    alice = Widget(alice_page)
    expect(alice.launcher).to_be_visible()
    bob_page = open_page("bob")
    bob = Widget(bob_page)
    shot(bob_page, "01-launcher-closed")

    expect(bob.badge).to_be_hidden()
    alice.open()
    expect(alice.contacts).to_have_count(3)
    shot(alice_page, "02-contacts")
    alice.open_conversation("Bob Chen")
    expect(alice.page.locator("addchat-widget .view-conversation .state-empty")).to_contain_text(
        "Say hello to Bob Chen"
    )
    shot(alice_page, "03-empty-conversation")
    alice.send("Hi Bob, lunch today?")

    # Bob's launcher badge and tab title count it, without a reload.
    expect(bob.badge).to_have_text("1")
    expect(bob.launcher).to_have_attribute("aria-label", "Open chat, 1 unread")
    expect(bob_page).to_have_title(re.compile(r"^\(1\) "))
    expect(alice.ticks_of("Hi Bob, lunch today?")).to_have_attribute("aria-label", "Sent")
    shot(bob_page, "04-unread-badge")

    bob.open()
    expect(bob.contact("Alice Martin").locator(".c-unread")).to_have_text("1")
    expect(bob.contact("Alice Martin").locator(".c-preview")).to_have_text("Hi Bob, lunch today?")
    shot(bob_page, "05-contacts-unread")
    bob.open_conversation("Alice Martin")
    expect(bob.message("Hi Bob, lunch today?")).to_have_class(re.compile(r"\btheirs\b"))

    # Reading it clears Bob's badge and turns Alice's tick into "seen", live.
    expect(bob.badge).to_be_hidden()
    expect(bob_page).not_to_have_title(re.compile(r"^\(\d+\) "))
    expect(alice.ticks_of("Hi Bob, lunch today?")).to_have_attribute("aria-label", "Seen")

    bob.send("Sure, 12:30 at the usual place")
    expect(alice.message("Sure, 12:30 at the usual place")).to_have_class(re.compile(r"\btheirs\b"))
    # Alice has the conversation open and in view: it is marked seen at once.
    expect(bob.ticks_of("Sure, 12:30 at the usual place")).to_have_attribute("aria-label", "Seen")
    expect(alice.badge).to_be_hidden()

    # Shift+Enter makes a new line; Enter sends.
    alice.composer.fill("")
    alice.composer.type("See you")
    alice.composer.press("Shift+Enter")
    alice.composer.type("there!")
    alice.composer.press("Enter")
    expect(bob.bodies.last).to_have_text("See you\nthere!")
    expect(alice.composer).to_have_value("")
    expect(bob.messages).to_have_count(3)
    expect(alice.messages).to_have_count(3)
    expect(alice.page.locator("addchat-widget .day-label")).to_have_text(["Today"])
    shot(alice_page, "06-conversation-seen")
    shot(bob_page, "07-conversation-other-side")


def test_history_loads_older_pages_on_scroll_up(open_page, live_server, shot):
    carol = live_server.api("carol")
    alice_id = live_server.ids["alice"]
    for i in range(1, 76):
        carol.send(alice_id, f"History message {i}")

    page = open_page("alice")
    w = Widget(page)
    expect(w.badge).to_have_text("75")
    w.open()
    expect(w.contact("Carol Diaz").locator(".c-unread")).to_have_text("75")
    w.open_conversation("Carol Diaz")
    expect(w.messages).to_have_count(30)
    expect(w.bodies.last).to_have_text("History message 75")
    expect(w.bodies.first).to_have_text("History message 46")

    # Scrolling to the top loads the next older page, keeping the reader's place.
    w.log.evaluate("el => el.scrollTop = 0")
    expect(w.messages).to_have_count(60)
    expect(w.bodies.first).to_have_text("History message 16")
    assert w.log.evaluate("el => el.scrollTop") > 0, "the view should stay where the reader was"
    w.log.evaluate("el => el.scrollTop = 0")
    expect(w.messages).to_have_count(75)
    expect(w.bodies.first).to_have_text("History message 1")
    expect(page.locator("addchat-widget .start-note")).to_have_text(
        "Start of your conversation with Carol Diaz"
    )
    w.log.evaluate("el => el.scrollTop = 0")
    expect(page.locator("addchat-widget .start-note")).to_be_in_viewport()
    shot(page, "08-history-start")

    texts = w.bodies.all_text_contents()
    assert texts == [f"History message {i}" for i in range(1, 76)], "no gaps, no duplicates, oldest first"
    # All read now: badge gone.
    w.log.evaluate("el => el.scrollTop = el.scrollHeight")
    expect(w.badge).to_be_hidden()


def test_message_body_is_shown_as_text_and_never_run(open_page, live_server, shot):
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script><b>bold</b>"
    alice_page = open_page("alice")
    bob_page = open_page("bob")
    alice, bob = Widget(alice_page), Widget(bob_page)
    alice.open()
    alice.open_conversation("Bob Chen")
    alice.send(payload)
    bob.open()
    bob.open_conversation("Alice Martin")
    expect(bob.bodies.last).to_have_text(payload)
    for page in (alice_page, bob_page):
        body = page.locator("addchat-widget .messages .body").last
        assert body.evaluate("el => el.children.length") == 0, "the body must be one text node"
        assert (
            page.locator(
                "addchat-widget .messages img, addchat-widget .messages script, addchat-widget .messages b"
            ).count()
            == 0
        )
    # The contact preview is text too.
    bob.page.locator("addchat-widget .back").click()
    expect(bob.contact("Alice Martin").locator(".c-preview")).to_have_text(payload)
    shot(bob_page, "09-html-as-text")
    # (open_page fails the test on any alert() dialog or page error.)


def test_contacts_search_and_empty_result(open_page, shot):
    page = open_page("alice")
    w = Widget(page)
    w.open()
    expect(w.contacts).to_have_count(3)
    w.search.fill("car")
    expect(w.contacts).to_have_count(1)
    expect(w.contacts.first).to_contain_text("Carol Diaz")
    w.search.fill("zzz")
    expect(w.contacts).to_have_count(0)
    expect(page.locator("addchat-widget .view-contacts .state-empty")).to_have_text(
        "No contacts match “zzz”."
    )
    shot(page, "10-search-no-match")
    w.search.fill("")
    expect(w.contacts).to_have_count(3)


def test_loading_state_is_shown_while_contacts_load(open_page, live_server, shot):
    page = open_page(None, path=None)
    page.context.add_cookies(
        [{"name": "session", "value": live_server.session_cookie("alice"), "url": live_server.url}]
    )
    held = []
    page.route("**/addchat/api/contacts*", lambda route: held.append(route))
    page.goto(live_server.url + "/")
    w = Widget(page)
    w.open()
    loading = page.locator("addchat-widget .view-contacts .state[role=status]")
    expect(loading).to_be_visible()
    expect(loading).to_contain_text("Loading")
    shot(page, "11-loading")
    for route in held:
        route.continue_()
    page.unroute("**/addchat/api/contacts*")
    expect(w.contacts).to_have_count(3)
    expect(loading).to_be_hidden()


def test_public_api_opens_conversation_and_emits_events(open_page, live_server):
    page = open_page("alice")
    page.evaluate(
        """() => {
            window.__events = [];
            for (const type of ["open", "close", "message", "unread"]) {
                window.AddChat.on(type, (d) => window.__events.push([type, d]));
            }
        }"""
    )
    assert page.evaluate("Object.keys(window).filter(k => /addchat/i.test(k))") == ["AddChat"]
    page.evaluate(f"window.AddChat.openConversation({live_server.ids['dave']})")
    w = Widget(page)
    expect(w.title).to_have_text("Dave Okafor")
    live_server.api("dave").send(live_server.ids["alice"], "From the API test")
    expect(w.message("From the API test")).to_be_visible()
    page.wait_for_function(
        "() => window.__events.some(e => e[0] === 'message' && e[1].body === 'From the API test')"
    )
    page.evaluate("window.AddChat.close()")
    expect(w.panel).to_be_hidden()
    page.evaluate("window.AddChat.open()")
    expect(w.panel).to_be_visible()
    types = page.evaluate("window.__events.map(e => e[0])")
    assert types.count("open") == 2 and "close" in types


def test_transport_switch_through_the_feed_keeps_the_chat_going(open_page, live_server):
    """A "config" change restarts the transport from the store's cursor: nothing lost, no reload."""
    alice_page = open_page("alice")
    bob_page = open_page("bob")
    alice, bob = Widget(alice_page), Widget(bob_page)
    config_reads = []
    bob_page.on("request", lambda r: "/addchat/api/config" in r.url and config_reads.append(r.url))
    bob_page.evaluate("window.__marker = 'same page'")
    bob.open()
    bob.open_conversation("Alice Martin")
    alice.open()
    alice.open_conversation("Bob Chen")
    alice.send("Before the switch")
    expect(bob.message("Before the switch")).to_be_visible()

    admin = live_server.api("alice")
    admin.post("settings", {"notification_type": "socketio"})
    alice.send("During socketio")
    admin.post("settings", {"notification_type": "internal"})
    alice.send("Back on internal")
    expect(bob.message("Back on internal")).to_be_visible()
    expect(bob.message("During socketio")).to_be_visible()
    expect(bob.messages).to_have_count(3)
    assert bob_page.evaluate("window.__marker") == "same page", "no reload"
    assert len(config_reads) >= 2, "the widget re-read its config after the switch"


def test_deleted_message_is_replaced_live(open_page, live_server, shot):
    alice = live_server.api("alice")
    message = alice.send(live_server.ids["bob"], "Oops, wrong chat")
    page = open_page("bob")
    w = Widget(page)
    w.open()
    w.open_conversation("Alice Martin")
    expect(w.message("Oops, wrong chat")).to_be_visible()
    response = alice.client.delete(
        f"/addchat/api/messages/{message['id']}", headers={"X-CSRFToken": alice.token}
    )
    assert response.status_code == 200, response.get_json()
    expect(w.bodies.last).to_have_text("Message deleted")
    expect(page.locator("addchat-widget .msg.deleted")).to_have_count(1)
    expect(page.get_by_text("Oops, wrong chat")).to_have_count(0)


def test_day_separators_times_and_new_messages_button(open_page, live_server, shot):
    from datetime import UTC, datetime, timedelta

    from addchat.extensions import db
    from addchat.models import Message

    bob = live_server.api("bob")
    alice_id = live_server.ids["alice"]
    now = datetime.now(UTC)
    dated = {
        "Three days ago": now - timedelta(days=3),
        "Yesterday, first": now - timedelta(days=1),
        "Yesterday, second": now - timedelta(days=1) + timedelta(minutes=1),
    }
    for body in dated:
        bob.send(alice_id, body)
    with live_server.app.app_context():
        for body, when in dated.items():
            db.session.query(Message).filter(Message.body == body).update({"created_at": when})
        db.session.commit()
    for i in range(1, 21):
        bob.send(alice_id, f"Today {i}")

    page = open_page("alice")
    w = Widget(page)
    w.open()
    w.open_conversation("Bob Chen")
    expect(w.messages).to_have_count(23)
    weekday = (now - timedelta(days=3)).strftime("%A")
    expect(page.locator("addchat-widget .day-label")).to_have_text([weekday, "Yesterday", "Today"])
    expect(w.message("Today 20").locator("time")).to_have_text("now")
    # Close messages form a group: only the last one shows its time.
    expect(w.message("Yesterday, first").locator("time")).to_be_hidden()
    expect(w.message("Yesterday, second").locator("time")).to_be_visible()

    # Scrolled up, a new message does not yank the view: a button offers to jump.
    w.log.evaluate("el => el.scrollTop = 0")
    bob.send(alice_id, "Are you there?")
    jump = page.get_by_role("button", name="New messages")
    expect(jump).to_be_visible()
    w.log.evaluate("el => el.scrollTop = 0")
    shot(page, "12-days-and-jump-button")
    expect(w.badge).to_have_text("1")  # not seen while scrolled away from it
    jump.click()
    expect(jump).to_be_hidden()
    expect(w.message("Are you there?")).to_be_in_viewport()
    expect(w.badge).to_be_hidden()


# The first message POST waits 800 ms in the page before it leaves (a slow network for it alone).
SLOW_FIRST_SEND = """
  const realFetch = window.fetch;
  let sends = 0;
  window.fetch = function (input, init) {
    const isSend = init && init.method === "POST" && /\\/messages$/.test(String(input));
    if (isSend && sends++ === 0) {
      return new Promise((resolve) => setTimeout(resolve, 800)).then(() => realFetch.call(this, input, init));
    }
    return realFetch.call(this, input, init);
  };
"""


def test_quick_sends_are_stored_and_shown_in_the_order_typed(open_page, live_server, shot):
    alice_page = open_page("alice", path=None)
    alice_page.add_init_script(SLOW_FIRST_SEND)
    alice_page.goto(live_server.url + "/")
    alice = Widget(alice_page)
    bob = Widget(open_page("bob"))
    alice.open()
    alice.open_conversation("Bob Chen")
    typed = [f"quick {n}" for n in range(1, 6)]
    for text in typed:
        alice.send(text)

    # Each send waits for the one before it: the slow first message is still stored first.
    for text in typed:
        expect(alice.ticks_of(text)).to_have_attribute("aria-label", "Sent")
    expect(alice.bodies).to_have_text(typed)
    bob.open()
    bob.open_conversation("Alice Martin")
    expect(bob.bodies).to_have_text(typed)
    stored = live_server.api("bob").client.get(
        f"/addchat/api/conversations/{live_server.ids['alice']}/messages"
    )
    assert [m["body"] for m in stored.get_json()["messages"]] == typed
    shot(alice_page, "08-quick-sends-in-order")


def test_reopening_on_a_conversation_shows_and_reads_what_came_meanwhile(open_page, live_server, shot):
    carol = live_server.api("carol")
    alice_id = live_server.ids["alice"]
    for n in range(1, 21):  # enough to scroll
        carol.send(alice_id, f"earlier {n}")
    alice_page = open_page("alice")
    alice = Widget(alice_page)
    alice.open()
    alice.open_conversation("Carol Diaz")
    expect(alice.message("earlier 20")).to_be_in_viewport()
    expect(alice.badge).to_be_hidden()
    alice.launcher.click()  # closed while on the conversation
    expect(alice.panel).to_be_hidden()

    carol.send(alice_id, "Sent while the panel was closed,\nlong enough\nto take\nfour lines")
    expect(alice.badge).to_have_text("1")
    alice.launcher.click()
    expect(alice.panel).to_be_visible()
    expect(alice.message("Sent while the panel was closed")).to_be_in_viewport(ratio=1)
    expect(alice.badge).to_be_hidden()
    expect(alice_page).not_to_have_title(re.compile(r"^\(\d+\) "))
    shot(alice_page, "09-reopened-on-conversation")


# Text boxes of the composer error that the length counter covers (both are in the shadow root).
ERROR_UNDER_COUNTER = """root => {
  const error = root.querySelector(".composer-error");
  const counter = root.querySelector(".counter").getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(error);
  return [...range.getClientRects()].filter((r) =>
    r.right > counter.left && r.left < counter.right && r.bottom > counter.top && r.top < counter.bottom).length;
}"""


def test_body_of_the_longest_length_is_sent_and_one_more_is_refused_readably(open_page, live_server, shot):
    alice_page = open_page("alice")
    alice, bob = Widget(alice_page), Widget(open_page("bob"))
    alice.open()
    alice.open_conversation("Bob Chen")
    longest = "Longest " + "x" * 4992
    alice.composer.fill(longest)
    expect(alice_page.locator("addchat-widget .counter")).to_have_text("5000/5000")
    alice.composer.press("Enter")
    expect(alice.ticks_of("Longest ")).to_have_attribute("aria-label", "Sent")

    # A longer paste is kept whole (nothing cut silently) and refused readably as you type.
    alice.composer.fill("y" * 5001)
    error = alice_page.locator("addchat-widget .composer-error")
    expect(error).to_have_text("Message too long (5000 characters at most).")
    expect(alice_page.locator("addchat-widget .counter")).to_have_text("5001/5000")
    alice.composer.press("Enter")
    expect(error).to_have_text("Message too long (5000 characters at most).")
    assert alice.composer.evaluate("el => el.value.length") == 5001
    assert alice.host.evaluate(f"host => ({ERROR_UNDER_COUNTER})(host.shadowRoot)") == 0
    shot(alice_page, "10-too-long")
    expect(alice.messages).to_have_count(1)
    bob.open()
    bob.open_conversation("Alice Martin")
    expect(bob.bodies).to_have_count(1)
    assert bob.bodies.first.evaluate("el => el.textContent.length") == 5000


def test_length_counts_characters_as_the_server_does(open_page, live_server):
    page = open_page("alice")
    alice = Widget(page)
    alice.open()
    alice.open_conversation("Bob Chen")
    # 2,500 emoji are 5,000 UTF-16 units but 2,500 characters: well within the limit.
    alice.composer.fill("\U0001f600" * 2500)
    expect(page.locator("addchat-widget .counter")).to_be_hidden()
    alice.composer.press("Enter")
    expect(alice.messages).to_have_count(1)
    expect(alice.ticks_of("\U0001f600")).to_have_attribute("aria-label", "Sent")
    expect(page.locator("addchat-widget .composer-error")).to_be_hidden()
