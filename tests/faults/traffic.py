"""Widget-like traffic that keeps going through a fault, and the ledger that proves what happened.

`Sender` sends numbered messages with a client_id each and retries the same client_id until the
server acknowledges it (201, or 200 for a retry it had already stored), waiting what a 503 or 429
says in Retry-After (else a short backoff), like the widget. `Poller` follows one person's feed by
cursor, like an internal-mode widget. Every answer is recorded so a test can show that nothing was
answered in a way a widget could not handle, and count what arrived.
"""

import threading
import time
import uuid

import requests

from tests.transports.socketio.servers import WAIT


class Ledger:
    """Every status (and 503 body and Retry-After) seen, from every thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = []
        self.unavailable = []  # (code, Retry-After) of each 503
        self.network_errors = 0

    def record(self, response):
        """Note one answer."""
        with self.lock:
            self.statuses.append(response.status_code)
            if response.status_code == 503:
                try:
                    code = response.json()["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    code = None
                self.unavailable.append((code, response.headers.get("Retry-After")))

    def network_error(self):
        """Note a request that got no HTTP answer at all."""
        with self.lock:
            self.network_errors += 1

    def unexpected(self):
        """Statuses a widget should never see through these faults."""
        return sorted({s for s in self.statuses if s not in (200, 201, 503)})


def wait_before_retry(response, attempt):
    """Seconds to wait: Retry-After on 429 and 503 only, else a short exponential backoff."""
    if response is not None and response.status_code in (429, 503):
        try:
            return min(float(response.headers.get("Retry-After", "1")), 5)
        except ValueError:
            pass
    return min(0.1 * 2**attempt, 1)


class Sender(threading.Thread):
    """Send `count` messages to one person, each retried under one client_id until acknowledged."""

    def __init__(self, http, to_id, count, ledger, prefix, pause=0.02):
        super().__init__(daemon=True)
        self.http, self.to_id, self.count, self.ledger = http, to_id, count, ledger
        self.prefix, self.pause = prefix, pause
        self.acknowledged = {}  # client_id -> message id
        self.bodies = []
        self.stop_at = None

    def run(self):
        for n in range(self.count):
            body = f"{self.prefix}-{n}"
            client_id = uuid.uuid4().hex
            self.bodies.append(body)
            self.acknowledged[client_id] = self._send(body, client_id)
            time.sleep(self.pause)

    def _send(self, body, client_id):
        url = f"{self.http.base_url}/addchat/api/conversations/{self.to_id}/messages"
        deadline = time.monotonic() + 4 * WAIT
        attempt = 0
        while time.monotonic() < deadline:
            response = None
            try:
                response = self.http.session.post(url, json={"body": body, "client_id": client_id}, timeout=5)
                self.ledger.record(response)
                if response.status_code in (200, 201):
                    return response.json()["id"]
            except requests.RequestException:
                self.ledger.network_error()
            time.sleep(wait_before_retry(response, attempt))
            attempt += 1
        raise AssertionError(f"{body} was never acknowledged")


class Poller(threading.Thread):
    """Follow one person's feed by cursor until stopped; keep every change received, in order."""

    def __init__(self, http, ledger, cursor=0, interval=0.1):
        super().__init__(daemon=True)
        self.http, self.ledger, self.cursor, self.interval = http, ledger, cursor, interval
        self.received = []  # every change, duplicates included, to count them
        self.stopped = threading.Event()

    def run(self):
        attempt = 0
        while not self.stopped.is_set():
            response = None
            try:
                response = self.http.session.get(
                    f"{self.http.base_url}/addchat/api/poll", params={"cursor": self.cursor}, timeout=5
                )
                self.ledger.record(response)
                if response.status_code == 200:
                    page = response.json()
                    self.received.extend(page["changes"])
                    self.cursor = page["cursor"]
                    attempt = 0
                    if page["more"]:
                        continue
                    time.sleep(self.interval)
                    continue
            except requests.RequestException:
                self.ledger.network_error()
            time.sleep(wait_before_retry(response, attempt))
            attempt += 1

    def bodies(self):
        """Bodies of the message changes received, in order, duplicates kept."""
        return [c["data"]["body"] for c in self.received if c["type"] == "message"]

    def stop(self):
        """Stop after the current request."""
        self.stopped.set()
        self.join(timeout=WAIT)
