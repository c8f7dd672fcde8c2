"""Blocking from the widget: the header menu blocks, both open widgets drop the pair live, the
settings list unblocks."""

from playwright.sync_api import expect

from tests.browser.widget_po import Widget


def test_block_from_the_header_menu_reaches_the_other_widget_live_and_unblock(open_page, live_server, shot):
    bob_page, carol_page = open_page("bob"), open_page("carol")
    bob, carol = Widget(bob_page), Widget(carol_page)
    bob.open()
    carol.open()
    expect(carol.contact("Bob Chen")).to_be_visible()
    bob.open_conversation("Carol Diaz")
    bob_page.locator("addchat-widget .conv-menu-btn").click()
    block = bob_page.locator("addchat-widget .block-user")
    expect(block).to_have_text("Block Carol Diaz")
    shot(bob_page, "blocking-menu")
    block.click()

    expect(bob.contact("Carol Diaz")).to_have_count(0)  # back on the contacts, without her
    expect(carol.contact("Bob Chen")).to_have_count(0)  # her open widget learnt it live
    expect(carol.contact("Alice Martin")).to_be_visible()

    bob_page.locator("addchat-widget [aria-controls='addchat-settings']").click()
    person = bob_page.locator("addchat-widget .blocked-person")
    expect(person).to_contain_text("Carol Diaz")
    person.locator(".unblock").click()
    expect(bob.contact("Carol Diaz")).to_be_visible()
    expect(carol.contact("Bob Chen")).to_be_visible()
