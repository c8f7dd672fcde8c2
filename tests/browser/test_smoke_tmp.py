from tests.browser.widget import Widget
from playwright.sync_api import expect

def test_smoke(open_page, shot, live_server):
    page = open_page("alice")
    w = Widget(page)
    shot(page, "tmp-closed")
    w.open()
    expect(w.contacts).to_have_count(3)
    shot(page, "tmp-open")
    w.open_conversation("Bob Chen")
    w.send("Hello Bob")
    expect(w.message("Hello Bob").locator(".ticks")).to_have_attribute("aria-label", "Sent")
    shot(page, "tmp-conv")
