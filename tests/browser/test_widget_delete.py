"""Deleting one's own message from the widget: pointer and keyboard, live on both sides."""

import re

from playwright.sync_api import expect
from widget_po import Widget


def _delete_button(w, text):
    return w.message(text).get_by_role("button", name="Delete message")


def test_sender_deletes_own_message_and_both_sides_see_it_live(open_page, live_server, shot):
    alice_api, bob_api = live_server.api("alice"), live_server.api("bob")
    alice_id, bob_id = live_server.ids["alice"], live_server.ids["bob"]
    alice_api.send(bob_id, "Keep this one")
    alice_api.send(bob_id, "Oops, wrong chat")
    bob_api.send(alice_id, "Bob's own words")

    alice_page, bob_page = open_page("alice"), open_page("bob")
    alice, bob = Widget(alice_page), Widget(bob_page)
    for page, w, peer in [(alice_page, alice, "Bob Chen"), (bob_page, bob, "Alice Martin")]:
        page.evaluate("window.__marker = 'same page'")
        w.open()
        w.open_conversation(peer)
        expect(w.messages).to_have_count(3)

    # Bob has no delete control on Alice's messages, only on his own.
    theirs = bob.page.locator("addchat-widget .msg.theirs")
    expect(theirs).to_have_count(2)
    expect(theirs.get_by_role("button", name="Delete message")).to_have_count(0)
    expect(theirs.locator(".msg-action.del:not([hidden])")).to_have_count(0)
    expect(_delete_button(bob, "Bob's own words")).to_have_count(1)
    expect(alice.message("Bob's own words").locator(".msg-action.del:visible")).to_have_count(0)

    # Revealed on hover, then an inline confirm (no window.confirm: page_errors fails on dialogs).
    button = _delete_button(alice, "Oops, wrong chat")
    expect(button).to_have_css("opacity", "0")
    alice.message("Oops, wrong chat").locator(".bubble").hover()
    expect(button).to_have_css("opacity", "1")
    expect(button).to_have_accessible_description("Oops, wrong chat")
    button.click()
    confirm = alice.message("Oops, wrong chat").get_by_role("group", name="Delete for everyone?")
    expect(confirm).to_be_visible()
    shot(alice_page, "90-delete-confirm")
    confirm.get_by_role("button", name="Delete", exact=True).click()

    for w in (alice, bob):
        expect(w.page.locator("addchat-widget .msg.deleted")).to_have_count(1)
        expect(w.page.locator("addchat-widget .msg.deleted .body")).to_have_text("Message deleted")
        expect(w.page.get_by_text("Oops, wrong chat")).to_have_count(0)
        expect(w.message("Keep this one")).to_be_visible()
        expect(w.messages).to_have_count(3)
        assert w.page.evaluate("window.__marker") == "same page", "no reload"
    deleted = alice.page.locator("addchat-widget .msg.deleted")
    expect(deleted.locator(".msg-action:visible")).to_have_count(0)
    expect(deleted.locator(".ticks")).to_be_hidden()
    expect(deleted).to_have_class(re.compile(r"\bmine\b"))
    expect(bob.page.locator("addchat-widget .msg.deleted")).to_have_class(re.compile(r"\btheirs\b"))
    # Muted: the deleted bubble has no fill and the muted text colour.
    style = deleted.locator(".bubble").evaluate(
        "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
    )
    assert style[0] == "rgba(0, 0, 0, 0)", style
    assert style[1] == "rgb(86, 96, 107)", style  # --ac-muted (light)
    shot(alice_page, "91-deleted-sender")
    shot(bob_page, "92-deleted-recipient")


def test_delete_with_the_keyboard_only(open_page, live_server, shot):
    alice_api = live_server.api("alice")
    bob_id = live_server.ids["bob"]
    alice_api.send(bob_id, "First thought")
    sent = alice_api.send(bob_id, "Second thought")
    page = open_page("alice")
    w = Widget(page)
    w.launcher.focus()
    page.keyboard.press("Enter")
    expect(w.panel).to_be_visible()
    w.open_conversation("Bob Chen")
    w.composer.focus()

    # From the composer, Shift+Tab reaches the delete button of the newest own message.
    page.keyboard.press("Shift+Tab")
    focused = w.active_element()
    assert focused["label"] == "Delete message", focused
    button = _delete_button(w, "Second thought")
    expect(button).to_be_focused()
    expect(button).to_have_css("opacity", "1")

    # Enter opens the confirm with focus on Cancel; Escape closes it (not the panel).
    page.keyboard.press("Enter")
    group = w.message("Second thought").get_by_role("group", name="Delete for everyone?")
    expect(group).to_be_visible()
    expect(group.get_by_role("button", name="Cancel")).to_be_focused()
    shot(page, "93-delete-keyboard-confirm")
    page.keyboard.press("Escape")
    expect(group).to_be_hidden()
    expect(w.panel).to_be_visible()
    expect(button).to_be_focused()

    page.keyboard.press("Enter")
    expect(group.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(group.get_by_role("button", name="Delete", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("addchat-widget .msg.deleted .body")).to_have_text("Message deleted")
    expect(w.log).to_be_focused()  # focus stays in the list, not lost to <body>
    expect(w.message("First thought")).to_be_visible()

    stored = alice_api.client.get(f"/addchat/api/conversations/{bob_id}/messages").get_json()
    mine = {m["id"]: m for m in stored["messages"]}
    assert mine[sent["id"]]["deleted"] is True


def test_delete_strings_in_french_and_german(open_page, live_server):
    page = open_page(None, path=None)
    page.route(
        live_server.url + "/unit",
        lambda route: route.fulfill(content_type="text/html", body="<!doctype html>"),
    )
    page.goto(live_server.url + "/unit")
    strings = page.evaluate(
        """async () => {
            const {createI18n} = await import('/addchat/static/widget/i18n.js');
            const keys = ['deleted', 'deleteMessage', 'deleteConfirm', 'delete', 'cancel', 'deleteFailed'];
            const out = {};
            for (const lang of ['en', 'fr', 'de']) { const {t} = await createI18n(lang); out[lang] = keys.map((k) => t(k)); }
            return out;
        }"""
    )
    assert strings["fr"][0] == "Message supprimé" and strings["de"][0] == "Nachricht gelöscht"
    for lang in ("fr", "de"):
        assert all(a != b for a, b in zip(strings[lang], strings["en"], strict=True)), lang


def test_a_refused_delete_says_so_and_keeps_the_message(open_page, live_server):
    live_server.api("alice").send(live_server.ids["bob"], "Still here")
    page = open_page("alice")
    page.route(
        "**/addchat/api/messages/*",
        lambda route: (
            route.fulfill(
                status=403,
                content_type="application/json",
                body='{"error": {"code": "forbidden", "message": "no"}}',
            )
            if route.request.method == "DELETE"
            else route.fallback()
        ),
    )
    w = Widget(page)
    w.open()
    w.open_conversation("Bob Chen")
    button = _delete_button(w, "Still here")
    w.message("Still here").locator(".bubble").hover()
    button.click()
    w.message("Still here").get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator("addchat-widget .composer-error")).to_have_text("Could not delete the message.")
    expect(w.message("Still here").get_by_role("group")).to_be_hidden()
    expect(button).to_be_focused()
    expect(page.locator("addchat-widget .msg.deleted")).to_have_count(0)
