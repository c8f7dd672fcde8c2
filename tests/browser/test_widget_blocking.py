"""Blocking from the widget (the header menu blocks, both open widgets drop the pair live, the
settings list unblocks), and the email-digest switch and heartbeat."""

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


def test_email_digests_switch_and_heartbeat(open_page, live_server):
    """The settings switch turns digests off and on; an open widget beats at once (no email while open)."""
    from addchat.digest_models import UserPrefs
    from addchat.extensions import db

    page = open_page("dave")
    widget = Widget(page)
    widget.open()

    def beat_recorded():
        with live_server.app.app_context():
            db.session.expire_all()
            row = db.session.get(UserPrefs, live_server.ids["dave"])
            return row is not None and row.last_active_at is not None

    for _ in range(50):
        if beat_recorded():
            break
        page.wait_for_timeout(100)
    assert beat_recorded()
    page.locator("addchat-widget [aria-controls='addchat-settings']").click()
    switch = page.locator("addchat-widget .email-digests")
    expect(switch).to_be_checked()
    switch.click()
    expect(switch).not_to_be_checked()
    page.wait_for_timeout(300)
    with live_server.app.app_context():
        db.session.expire_all()
        assert db.session.get(UserPrefs, live_server.ids["dave"]).email_digests is False
