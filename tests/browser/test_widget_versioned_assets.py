"""Cache busting in the browser: every widget file loads under the content version, under the demo's CSP."""

import re

from playwright.sync_api import expect
from widget_po import Widget

from addchat.widget import content_version


def test_every_widget_module_loads_under_the_content_version(open_page, live_server, shot):
    page = open_page("alice", path=None)
    responses = []
    page.on("response", lambda r: responses.append(r) if "/addchat/static/" in r.url else None)
    page.goto(live_server.url + "/")  # the demo page, strict CSP (page_errors fails on violations)
    w = Widget(page)
    expect(w.launcher).to_be_visible()
    w.open()
    w.open_conversation("Bob Chen")
    w.send("Versioned hello")
    expect(w.ticks_of("Versioned hello")).to_have_attribute("aria-label", "Sent")

    version = content_version()
    assert page.evaluate("window.AddChat.build") == version
    prefix = f"{live_server.url}/addchat/static/v/{version}/"
    urls = {r.url for r in responses}
    loaded = {u.removeprefix(prefix) for u in urls}
    assert all(u.startswith(prefix) for u in urls), sorted(urls)
    # Nested relative imports (views/, transports/ and the transport chosen at run time) inherit it.
    for path in [
        "widget/main.js",
        "widget/views/conversation.js",
        "widget/transports/index.js",
        "widget/transports/internal.js",
        "widget/widget.css",
    ]:
        assert path in loaded, sorted(loaded)
    for r in responses:
        assert r.status == 200, (r.url, r.status)
        assert re.search(r"max-age=31536000", r.headers.get("cache-control", "")), r.url
