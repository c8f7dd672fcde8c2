"""Isolation (hostile host CSS, strict CSP), keyboard use, phone size, themes, contrast,
connection states, notifications and the data-* options."""

import re

from playwright.sync_api import expect
from widget_po import Widget

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

HOSTILE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hostile host</title>
<style>
  * { all: unset !important; }
  div { display: none !important; }
  button, input, textarea, svg, li, ul, ol, section, header, p, span { display: none !important; color: red !important; }
  html { font-size: 5px !important; }
  :root { --ac-accent: red; --ac-bg: black; }
  addchat-widget { display: none !important; position: static !important; }
  body::after { content: "HOSTILE PAGE"; display: block; font: 40px serif; }
</style>
</head><body>
<p id="probe" style="color: rgb(1, 2, 3)">inline style probe</p>
<script>window.__inlineRan = true;</script>
<div>host content the page hides</div>
<script src="/addchat/widget.js" defer></script>
</body></html>"""

OPTIONS_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Options</title></head><body>
<h1>Page hôte</h1>
<script src="/addchat/widget.js" defer data-position="left" data-theme="dark" data-locale="fr"
        data-title="Support" data-sound="off"></script>
</body></html>"""

CONTRAST_JS = """() => {
  const shadow = document.querySelector('addchat-widget').shadowRoot;
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let out = { r: 255, g: 255, b: 255 };
    for (const c of layers.reverse()) {
      out = { r: c.r * c.a + out.r * (1 - c.a), g: c.g * c.a + out.g * (1 - c.a), b: c.b * c.a + out.b * (1 - c.a) };
    }
    return out;
  };
  const failures = [];
  let checked = 0;
  for (const el of shadow.querySelectorAll('*')) {
    const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join('');
    if (!own || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    if (el.closest('.sr-only')) continue;
    const cs = getComputedStyle(el);
    const fg = parse(cs.color);
    const bg = background(el);
    const ratio = (Math.max(lum(fg), lum(bg)) + 0.05) / (Math.min(lum(fg), lum(bg)) + 0.05);
    const size = parseFloat(cs.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
    checked++;
    if (ratio < (large ? 3 : 4.5)) failures.push(`${own.slice(0, 30)}: ${ratio.toFixed(2)} (${cs.color} on rgb(${bg.r},${bg.g},${bg.b}))`);
  }
  return { checked, failures };
}"""


AUTO_THEME_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Auto theme</title></head><body>
<h1>Host page</h1>
<script src="/addchat/widget.js" defer data-theme="auto"></script>
</body></html>"""


def serve(page, url, html, csp=STRICT_CSP):
    """Answer one URL on the live server's origin with our own host page."""
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if csp:
        headers["Content-Security-Policy"] = csp
    page.route(url, lambda route: route.fulfill(status=200, headers=headers, body=html))


def test_widget_survives_hostile_css_under_strict_csp(open_page, live_server, page_errors, shot):
    # The page's own inline script and inline style are blocked: proof the CSP is enforced.
    page_errors.allow(
        r"(Refused to (execute|apply) inline|(Executing|Applying) inline (script|style) violates)"
    )
    page = open_page("alice", path=None)
    serve(page, live_server.url + "/hostile", HOSTILE_PAGE)
    page.goto(live_server.url + "/hostile")
    w = Widget(page)
    expect(w.launcher).to_be_visible()
    assert page.evaluate("window.__inlineRan") is None, "CSP must block inline scripts on this page"
    assert page.locator("#probe").evaluate("el => getComputedStyle(el).color") != "rgb(1, 2, 3)"

    box = w.launcher.bounding_box()
    assert 50 <= box["width"] <= 64 and 50 <= box["height"] <= 64
    assert box["x"] > 1280 - 100 and box["y"] > 800 - 100, box
    w.open()
    expect(w.contacts).to_have_count(3)
    panel = w.panel.bounding_box()
    assert 360 <= panel["width"] <= 400 and panel["height"] >= 320, panel
    assert w.panel.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 255, 255)"
    head = page.locator("addchat-widget .head")
    assert head.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(11, 87, 208)"
    w.open_conversation("Dave Okafor")
    w.send("Still works here")
    expect(w.ticks_of("Still works here")).to_have_attribute("aria-label", "Sent")
    # Nothing leaks into the page: no global style sheets, one global name.
    assert page.evaluate("document.querySelectorAll('style, link[rel=stylesheet]').length") == 1
    assert page.evaluate("Object.keys(window).filter(k => /addchat/i.test(k))") == ["AddChat"]
    shot(page, "20-hostile-host-css")


def test_keyboard_only_flow(open_page, shot):
    page = open_page("bob")
    w = Widget(page)
    for _ in range(25):
        page.keyboard.press("Tab")
        if (w.active_element() or {}).get("label", "").startswith("Open chat"):
            break
    else:
        raise AssertionError("the launcher is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(w.panel).to_be_visible()
    expect(w.launcher).to_have_attribute("aria-expanded", "true")
    expect(w.search).to_be_focused()

    page.keyboard.type("car")
    expect(w.contacts).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(w.contact("Carol Diaz")).to_be_focused()
    page.keyboard.press("Enter")
    expect(w.title).to_have_text("Carol Diaz")
    expect(w.composer).to_be_focused()
    page.keyboard.type("Typed with the keyboard")
    page.keyboard.press("Enter")
    expect(w.ticks_of("Typed with the keyboard")).to_have_attribute("aria-label", "Sent")
    expect(w.composer).to_be_focused()
    page.keyboard.press("Tab")
    assert w.active_element()["label"] == "Emoji"
    page.keyboard.press("Tab")
    assert w.active_element()["label"] == "Send"
    shot(page, "21-keyboard-conversation")

    # Back to the list with the header's back button, reached with Shift+Tab.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(w.composer).to_be_focused()
    w.page.locator("addchat-widget .back").focus()
    page.keyboard.press("Enter")
    expect(w.contact("Carol Diaz")).to_be_focused()

    # Escape closes and gives focus back to the launcher; Enter opens where we were.
    page.keyboard.press("Escape")
    expect(w.panel).to_be_hidden()
    expect(w.launcher).to_be_focused()
    expect(w.launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(w.panel).to_be_visible()
    page.keyboard.press("Escape")
    expect(w.launcher).to_be_focused()


def test_aria_roles_labels_and_live_announcement(open_page, live_server):
    page = open_page("bob")
    w = Widget(page)
    expect(w.launcher).to_have_attribute("aria-label", "Open chat")
    w.open()
    dialog = page.get_by_role("dialog", name="Chat")
    expect(dialog).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search contacts")).to_be_visible()
    expect(page.get_by_role("list", name="Contacts")).to_be_visible()
    expect(dialog.get_by_role("button", name="Close chat")).to_be_visible()
    expect(w.launcher).to_have_attribute("aria-label", "Close chat")  # what a press does now
    w.open_conversation("Alice Martin")
    expect(page.get_by_role("log", name="Conversation with Alice Martin")).to_be_visible()
    expect(page.get_by_role("textbox", name="Message Alice Martin")).to_be_visible()
    expect(page.get_by_role("button", name="Back to contacts")).to_be_visible()
    live_server.api("alice").send(live_server.ids["bob"], "Can you hear me?")
    live = page.locator("addchat-widget .root > [aria-live=polite]")
    expect(live).to_have_text("New message from Alice Martin: Can you hear me?")


def test_phone_screen_360px_is_full_screen(open_page, live_server, shot):
    live_server.api("carol").send(live_server.ids["alice"], "A long message " * 12)
    page = open_page("alice", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    w = Widget(page)
    shot(page, "30-phone-closed")
    w.launcher.tap()
    expect(w.panel).to_be_visible()
    w.settle()
    box = w.panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 360, "height": 740}, box
    expect(w.launcher).to_be_hidden()
    expect(w.panel).to_be_focused()  # not the search field: no on-screen keyboard over the list
    shot(page, "31-phone-contacts")
    w.open_conversation("Carol Diaz")
    w.send("Replying from a phone")
    expect(w.ticks_of("Replying from a phone")).to_have_attribute("aria-label", "Sent")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert w.log.evaluate("el => el.scrollWidth <= el.clientWidth")
    shot(page, "32-phone-conversation")
    page.get_by_role("button", name="Close chat").tap()
    expect(w.panel).to_be_hidden()
    expect(w.launcher).to_be_visible()


def test_dark_theme_and_contrast_pass_wcag_aa(open_page, live_server, shot):
    alice_api = live_server.api("alice")
    bob_id = live_server.ids["bob"]
    alice_api.send(bob_id, "Morning! Did you see the release notes?")
    live_server.api("bob").send(live_server.ids["alice"], "Not yet, link?")
    for scheme in ("light", "dark"):
        # data-theme="auto" follows prefers-color-scheme (the default is light).
        page = open_page("alice", path=None, color_scheme=scheme, reduced_motion="reduce")
        serve(page, live_server.url + "/auto", AUTO_THEME_PAGE)
        page.goto(live_server.url + "/auto")
        w = Widget(page)
        expect(w.launcher).to_be_visible()
        live_server.api("carol").send(live_server.ids["alice"], f"Unread in {scheme}")
        expect(w.badge).to_be_visible()
        w.open()
        expect(w.contact("Carol Diaz").locator(".c-unread")).to_be_visible()
        bg = w.panel.evaluate("el => getComputedStyle(el).backgroundColor")
        assert bg == ("rgb(28, 30, 34)" if scheme == "dark" else "rgb(255, 255, 255)")
        # prefers-reduced-motion: no opening animation.
        assert w.panel.evaluate("el => parseFloat(getComputedStyle(el).animationDuration)") < 0.01
        result = page.evaluate(CONTRAST_JS)
        assert result["checked"] > 10 and not result["failures"], result
        shot(page, f"40-{scheme}-contacts")
        w.open_conversation("Bob Chen")
        expect(w.messages).to_have_count(2)
        result = page.evaluate(CONTRAST_JS)
        assert result["checked"] > 5 and not result["failures"], result
        shot(page, f"41-{scheme}-conversation")


def test_reconnecting_state_and_sending_while_offline(open_page, live_server, shot):
    alice_page = open_page("alice")
    bob_page = open_page("bob")
    alice, bob = Widget(alice_page), Widget(bob_page)
    alice.open()
    alice.open_conversation("Bob Chen")

    # Server errors: the banner says "Reconnecting…" until polling works again.
    alice_page.route("**/addchat/api/poll*", lambda route: route.fulfill(status=503, body="{}"))
    expect(alice.banner).to_be_visible()
    expect(alice.banner).to_have_text("Reconnecting…")
    assert not alice_page.evaluate(CONTRAST_JS)["failures"]
    shot(alice_page, "50-reconnecting")
    alice_page.unroute("**/addchat/api/poll*")
    alice_page.evaluate("window.dispatchEvent(new Event('focus'))")  # focus resumes at once
    expect(alice.banner).to_be_hidden()

    # Offline: the message waits (clock), then goes once the browser is back online.
    alice_page.context.set_offline(True)
    expect(alice.banner).to_contain_text("offline")
    alice.send("Sent while offline")
    expect(alice.ticks_of("Sent while offline")).to_have_attribute("aria-label", "Sending")
    shot(alice_page, "51-offline-pending")
    alice_page.context.set_offline(False)
    expect(alice.ticks_of("Sent while offline")).to_have_attribute("aria-label", "Sent")
    expect(alice.banner).to_be_hidden()
    bob.open()
    bob.open_conversation("Alice Martin")
    expect(bob.message("Sent while offline")).to_have_count(1)

    # Signed out elsewhere: the next poll answers 401 and the widget says so (and stops polling).
    bob_page.context.clear_cookies()
    expect(bob.banner).to_have_text("You were signed out. Reload the page to chat again.")
    expect(bob.composer).to_be_disabled()
    shot(bob_page, "53-signed-out")


def test_failed_send_can_be_retried_without_duplicates(open_page, live_server, shot):
    page = open_page("alice")
    w = Widget(page)
    w.open()
    w.open_conversation("Dave Okafor")
    page.route(
        "**/addchat/api/conversations/*/messages",
        lambda route: (
            route.fulfill(
                status=422,
                content_type="application/json",
                body='{"error": {"code": "invalid_body", "message": "Rejected by test"}}',
            )
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    w.send("Will fail first")
    failed = w.message("Will fail first")
    expect(failed.locator(".fail")).to_be_visible()
    expect(failed.locator(".ticks")).to_have_attribute("aria-label", "Not sent.")
    assert not page.evaluate(CONTRAST_JS)["failures"]
    shot(page, "52-send-failed")
    page.unroute("**/addchat/api/conversations/*/messages")
    failed.get_by_role("button", name="Retry").click()
    expect(w.ticks_of("Will fail first")).to_have_attribute("aria-label", "Sent")
    expect(w.messages).to_have_count(1)


def test_notifications_sound_and_their_switches(open_page, live_server, shot):
    init = """
      window.__notes = [];
      window.__chimes = 0;
      window.Notification = class {
        constructor(title, options) { window.__notes.push({ title, body: options && options.body }); }
        close() {}
        static get permission() { return 'granted'; }
        static requestPermission() { return Promise.resolve('granted'); }
      };
      const osc = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function () { window.__chimes++; return osc.call(this); };
    """
    bob_page = open_page(None, path=None)
    bob_page.add_init_script(init)
    bob_page.context.add_cookies(
        [{"name": "session", "value": live_server.session_cookie("bob"), "url": live_server.url}]
    )
    bob_page.goto(live_server.url + "/")
    bob = Widget(bob_page)
    bob.open()  # a click: lets the page play sound
    bell = bob_page.get_by_role("button", name="Notification settings")
    bell.click()
    sound = bob_page.get_by_role("switch", name="Sound for new messages")
    notes = bob_page.get_by_role("switch", name="Desktop notifications")
    expect(sound).to_be_checked()
    expect(notes).to_be_checked()
    assert not bob_page.evaluate(CONTRAST_JS)["failures"]
    shot(bob_page, "60-settings")
    bob_page.keyboard.press("Escape")
    expect(bob.panel).to_be_hidden()

    alice = live_server.api("alice")
    alice.send(live_server.ids["bob"], "ping 1")
    expect(bob.badge).to_have_text("1")
    bob_page.wait_for_function("() => window.__notes.length === 1 && window.__chimes > 0")
    assert bob_page.evaluate("window.__notes") == [{"title": "Alice Martin", "body": "ping 1"}]

    bob.open()
    bell.click()
    sound.uncheck()
    notes.uncheck()
    bob_page.keyboard.press("Escape")
    chimes = bob_page.evaluate("window.__chimes")
    alice.send(live_server.ids["bob"], "ping 2")
    expect(bob.badge).to_have_text("2")
    assert bob_page.evaluate("window.__notes.length") == 1
    assert bob_page.evaluate("window.__chimes") == chimes

    # The switches are remembered.
    bob_page.reload()
    bob.open()
    bell.click()
    expect(sound).not_to_be_checked()
    expect(notes).not_to_be_checked()


def test_data_options_position_theme_locale_title(open_page, live_server, shot):
    page = open_page("alice", path=None)
    serve(page, live_server.url + "/options", OPTIONS_PAGE)
    page.goto(live_server.url + "/options")
    w = Widget(page)
    expect(w.launcher).to_be_visible()
    expect(w.launcher).to_have_attribute("aria-label", "Ouvrir la discussion")
    assert w.launcher.bounding_box()["x"] < 100, "data-position=left"
    w.open()
    expect(w.title).to_have_text("Support")
    expect(w.search).to_have_attribute("placeholder", "Rechercher un contact")
    assert w.panel.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(28, 30, 34)"
    w.open_conversation("Bob Chen")
    expect(page.locator("addchat-widget .view-conversation .state-empty")).to_contain_text("Dites bonjour")
    w.send("Bonjour")
    expect(w.ticks_of("Bonjour")).to_have_attribute("aria-label", "Envoyé")
    expect(page.locator("addchat-widget .day-label")).to_have_text(re.compile("Aujourd"))
    assert not page.evaluate(CONTRAST_JS)["failures"]
    shot(page, "70-options-left-dark-fr")


def test_signed_out_visitors_get_no_widget(open_page, live_server):
    page = open_page(None, path=None)
    serve(page, live_server.url + "/public", OPTIONS_PAGE)
    with page.expect_response("**/addchat/api/config") as config:
        page.goto(live_server.url + "/public")
    assert config.value.status == 401
    expect(page.locator("addchat-widget")).to_have_count(0)
    assert page.evaluate("() => window.AddChat.ready") is False
