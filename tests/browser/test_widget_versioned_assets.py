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


def test_a_page_with_a_stale_loader_is_redirected_to_the_current_files(open_page, live_server):
    version = content_version()
    page = open_page("alice", path=None)

    def stale_loader(route):
        body = route.fetch().text().replace(version, "0123456789ab")
        route.fulfill(status=200, content_type="text/javascript", body=body)

    page.route("**/addchat/widget.js", stale_loader)
    responses = []
    page.on(
        "response", lambda r: responses.append((r.url, r.status)) if "/addchat/static/" in r.url else None
    )
    page.goto(live_server.url + "/")
    w = Widget(page)
    expect(w.launcher).to_be_visible()
    w.open()
    expect(w.contacts).to_have_count(3)
    assert page.evaluate("window.AddChat.build") == "0123456789ab"
    old = [(url, status) for url, status in responses if "/v/0123456789ab/" in url]
    assert old and all(status == 302 for _, status in old), old
    # Relative imports resolve against the redirected (current) URL: only main.js and the CSS were asked for stale.
    assert {url.rsplit("/", 1)[1] for url, _ in old} == {"main.js", "widget.css"}, old
