"""The transport interface, exercised with a stand-in "socketio" module served in place of the
real one: the widget picks the module by notification_type, feeds changes through the store,
and shows the typing and online hooks that push transports drive."""

from playwright.sync_api import expect
from widget_po import Widget

FAKE_TRANSPORT = """
import { catchUp } from "./sync.js";

export function createTransport({ config, api, getCursor, onChange, onStatus, onTyping, onPresence }) {
  const probe = (window.__fakeTransport = { type: config.notification_type, sent: [], started: null });
  let timer = null;
  let stopped = false;
  async function loop() {
    if (stopped) return;
    try {
      await catchUp({ api, getCursor, onChange });
      onStatus("online");
    } catch (error) {
      onStatus("reconnecting", { error });
    }
    if (!stopped) timer = setTimeout(loop, 300);
  }
  probe.typing = (userId, isTyping) => onTyping({ userId, isTyping });
  probe.presence = (userId, online) => onPresence({ userId, online });
  return {
    start(cursor) {
      probe.started = cursor;
      onStatus("connecting");
      loop();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    sendTyping(peerId, isTyping) {
      probe.sent.push([peerId, isTyping]);
    },
  };
}
"""


def test_push_transport_module_drives_typing_and_online_hooks(open_page, live_server, shot):
    live_server.api("alice").post("settings", {"notification_type": "socketio"})
    page = open_page("alice", path=None)
    page.route(
        "**/addchat/static/**/widget/transports/socketio.js",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=FAKE_TRANSPORT),
    )
    page.goto(live_server.url + "/")
    w = Widget(page)
    expect(w.launcher).to_be_visible()
    page.wait_for_function("() => window.__fakeTransport && window.__fakeTransport.started !== null")
    assert page.evaluate("window.__fakeTransport.type") == "socketio"
    bob_id = live_server.ids["bob"]

    w.open()
    page.evaluate(f"window.__fakeTransport.presence({bob_id}, true)")
    expect(w.contact("Bob Chen").locator(".avatar")).to_have_class("avatar avatar-md av-c2 is-online")
    w.open_conversation("Bob Chen")
    subtitle = page.locator("addchat-widget .subtitle")
    expect(subtitle).to_have_text("Online")
    page.evaluate(f"window.__fakeTransport.typing({bob_id}, true)")
    expect(subtitle).to_have_text("typing")  # one line, the name is in the title above it
    expect(subtitle.locator(".dots i")).to_have_count(3)
    expect(page.locator("addchat-widget .typing-row")).to_be_visible()
    shot(page, "80-typing-and-online")
    page.evaluate(f"window.__fakeTransport.typing({bob_id}, false)")
    expect(subtitle).to_have_text("Online")
    expect(page.locator("addchat-widget .typing-row")).to_be_hidden()

    # Typing in the composer reaches transport.sendTyping; sending says "stopped".
    w.composer.press_sequentially("Hel")
    page.wait_for_function(
        f"() => window.__fakeTransport.sent.some(([p, t]) => p === {bob_id} && t === true)"
    )
    w.composer.press_sequentially("lo")
    w.composer.press("Enter")
    page.wait_for_function(f"() => JSON.stringify(window.__fakeTransport.sent.at(-1)) === '[{bob_id},false]'")
    sent = page.evaluate("window.__fakeTransport.sent")
    assert sent.count([bob_id, True]) == 1, "typing is throttled"

    # Changes still arrive through the module (it catches up from the store's cursor).
    live_server.api("bob").send(live_server.ids["alice"], "Through the stand-in transport")
    expect(w.message("Through the stand-in transport")).to_be_visible()
    expect(w.ticks_of("Hello")).to_have_attribute("aria-label", "Sent")
