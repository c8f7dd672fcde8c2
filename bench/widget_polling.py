"""What internal mode costs and how fast it feels, measured in Chromium with the real widget.

    python -m bench.widget_polling            # about 3 minutes
    python -m bench.widget_polling --quick    # about 1 minute (shorter windows, fewer sends)

The app runs on a live werkzeug server (temp SQLite file, default poll settings:
ADDCHAT_POLL_ACTIVE_MS, ADDCHAT_POLL_INTERVAL_MS, ADDCHAT_POLL_HIDDEN_MS) and Debian's Chromium
(/usr/bin/chromium, or ADDCHAT_CHROMIUM) drives two people. First, alice's polls are counted in
each state of her widget: closed, on the contact list, in an open conversation, and in a hidden
tab (the page is told it is hidden: document.hidden and a visibilitychange event, as a switched
tab would). Then bob sends messages from his widget at random moments and each one's delay from
his Enter to its row in alice's open conversation is recorded. Prints requests per minute per user
for each state, the send-to-display latency (median, p90, min, max) and the load average.
"""

import argparse
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

from addchat import create_app
from addchat.extensions import db
from addchat.models import ChatBase, User
from testkit import api_credentials

RESULTS = Path(__file__).resolve().parent / "results"
CHROMIUM = os.environ.get("ADDCHAT_CHROMIUM", "/usr/bin/chromium")
logging.getLogger("werkzeug").setLevel(logging.WARNING)
PEOPLE = [("alice", "Alice Martin"), ("bob", "Bob Chen")]

HIDE_PAGE = """() => {
  Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"});
  document.dispatchEvent(new Event("visibilitychange"));
}"""

WATCH_BODIES = """() => {
  window.__shown = {};
  const root = document.querySelector("addchat-widget").shadowRoot;
  new MutationObserver(() => {
    for (const el of root.querySelectorAll(".messages .body")) {
      const text = el.textContent;
      if (text.startsWith("bench ") && !(text in window.__shown)) window.__shown[text] = Date.now();
    }
  }).observe(root, {subtree: true, childList: true, characterData: true});
}"""

SEND = """(text) => {
  const root = document.querySelector("addchat-widget").shadowRoot;
  const box = root.querySelector("textarea.input");
  box.value = text;
  box.dispatchEvent(new Event("input", {bubbles: true}));
  const at = Date.now();
  root.querySelector("form.composer").requestSubmit();
  return at;
}"""


def start_server(tmp):
    """The app with two people on a live server; returns (url, ids, app, server)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-widget",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'chat.db'}",
            "ADDCHAT_POLL_RATE_LIMIT": "100000/minute",
            "ADDCHAT_SEND_RATE_LIMIT": "100000/minute",
        }
    )
    with app.app_context():
        ChatBase.metadata.create_all(db.engine)
        for key, name in PEOPLE:
            user = User(name=name, email=f"{key}@example.com")
            user.set_password("demo")
            db.session.add(user)
        db.session.commit()
        ids = {
            key: db.session.query(User.id).filter(User.email == f"{key}@example.com").scalar()
            for key, _ in PEOPLE
        }
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", ids, app, server


def open_widget(browser, url, app, user_id):
    """A signed-in page with the widget ready, and a list that collects its poll times."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.add_cookies([{"name": "session", "value": api_credentials(app, user_id)[0], "url": url}])
    page = context.new_page()
    polls = []
    page.on("request", lambda r: "/addchat/api/poll" in r.url and polls.append(time.monotonic()))
    page.goto(url + "/")
    page.locator("addchat-widget .launcher").wait_for()
    return page, polls


def per_minute(page, polls, seconds, settle=1.5):
    """Polls per minute in the window that starts `settle` s after the state began."""
    start = time.monotonic()
    page.wait_for_timeout((settle + seconds) * 1000)  # (Playwright hands over events while it waits)
    inside = [t for t in polls if start + settle <= t < start + settle + seconds]
    return len(inside) * 60 / seconds


def open_conversation(page, name):
    """Open the panel on a conversation with the person named."""
    page.locator("addchat-widget .launcher").click()
    page.locator("addchat-widget .contact", has_text=name).click()
    page.locator("addchat-widget textarea.input").wait_for()


def measure_states(page, polls, window):
    """Requests per minute of one widget in each state."""
    rates = {"closed": per_minute(page, polls, window)}
    page.locator("addchat-widget .launcher").click()
    rates["contact list"] = per_minute(page, polls, window)
    page.locator("addchat-widget .contact", has_text="Bob Chen").click()
    rates["conversation open"] = per_minute(page, polls, window)
    page.locator("addchat-widget .back").click()
    page.locator("addchat-widget .launcher").click()
    page.evaluate(HIDE_PAGE)
    rates["hidden tab"] = per_minute(page, polls, max(window * 2, 60))
    return rates


def measure_latency(alice, bob, sends):
    """Milliseconds from bob's Enter to the row in alice's open conversation, per message."""
    alice.evaluate(WATCH_BODIES)
    sent = {}
    for i in range(sends):
        bob.wait_for_timeout(random.uniform(400, 2600))  # land anywhere in alice's poll cycle
        text = f"bench {i}"
        sent[text] = bob.evaluate(SEND, text)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        shown = alice.evaluate("() => window.__shown")
        if len(shown) >= sends:
            break
        alice.wait_for_timeout(200)
    return [shown[text] - at for text, at in sent.items() if text in shown]


def main(argv=None):
    """Run both measurements and print them."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter windows and fewer sends")
    parser.add_argument(
        "--json", default=str(RESULTS / "widget_polling.json"), help="figures for bench/report.py"
    )
    args = parser.parse_args(argv)
    window, sends = (10, 10) if args.quick else (30, 30)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        url, ids, app, server = start_server(tmp)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        alice, alice_polls = open_widget(browser, url, app, ids["alice"])
        rates = measure_states(alice, alice_polls, window)
        alice.context.close()
        alice, _ = open_widget(browser, url, app, ids["alice"])
        bob, _ = open_widget(browser, url, app, ids["bob"])
        open_conversation(alice, "Bob Chen")
        open_conversation(bob, "Alice Martin")
        delays = sorted(measure_latency(alice, bob, sends))
        browser.close()
        server.shutdown()
    cfg = app.config
    print(
        f"poll intervals: active {cfg['ADDCHAT_POLL_ACTIVE_MS']} ms, idle {cfg['ADDCHAT_POLL_INTERVAL_MS']} ms,"
        f" hidden {cfg['ADDCHAT_POLL_HIDDEN_MS']} ms"
    )
    print("requests per minute per user (GET poll):")
    for state, rate in rates.items():
        print(f"  {state:<18} {rate:5.1f}")
    if delays:
        p90 = delays[min(len(delays) - 1, int(len(delays) * 0.9))]
        print(
            f"send to display, conversation open ({len(delays)}/{sends} shown): median {statistics.median(delays):.0f} ms,"
            f" p90 {p90:.0f} ms, min {delays[0]:.0f} ms, max {delays[-1]:.0f} ms"
        )
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    save(args, cfg, rates, delays, sends)
    return 0 if len(delays) == sends else 1


def save(args, cfg, rates, delays, sends):
    """Write the figures bench/report.py reads."""
    figures = {
        "command": "python -m bench.widget_polling" + (" --quick" if args.quick else ""),
        "intervals_ms": {
            key: cfg[f"ADDCHAT_POLL_{key.upper()}_MS"] for key in ("active", "interval", "hidden")
        },
        "polls_per_minute": rates,
        "sends": sends,
        "shown": len(delays),
        "median_ms": statistics.median(delays) if delays else None,
        "p90_ms": delays[min(len(delays) - 1, int(len(delays) * 0.9))] if delays else None,
        "max_ms": delays[-1] if delays else None,
        "load": os.getloadavg(),
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    sys.exit(main())
