"""Email digests for people who are away, through a real local SMTP server (aiosmtpd)."""

import threading
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from addchat import email
from addchat.digest_models import Digest, UserPrefs
from addchat.extensions import db
from addchat.models import Message, utcnow
from testkit import free_port
from tests.conftest import count_rows


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free port, the app's MAIL_* pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mail_to(app, controller.port)
    yield inbox
    controller.stop()


def mail_to(app, port):
    """Point Flask-Mail at 127.0.0.1:port, really sending (testing apps suppress sends by default)."""
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="chat@test", MAIL_SUPPRESS_SEND=False
    )
    email.init_app(app)  # Flask-Mail reads its settings when bound


def age_messages(app, seconds):
    """Make every message older, as if the delay had passed."""
    with app.app_context():
        db.session.execute(update(Message).values(created_at=utcnow() - timedelta(seconds=seconds)))
        db.session.commit()


def sweep(app):
    """Run the CLI entry point once; return its output."""
    result = app.test_cli_runner().invoke(args=["addchat", "send-digests"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def test_one_email_per_sender_once_the_delay_passed_with_a_link_back(app, api, users, smtp):
    alice, carol = api("alice"), api("carol")
    alice.send(users["bob"], "first from alice")
    alice.send(users["bob"], "second from alice")
    carol.send(users["bob"], "hello from carol")
    assert "0 digest(s)" in sweep(app)  # too recent
    age_messages(app, 601)
    assert "2 digest(s)" in sweep(app)
    by_subject = {m["Subject"]: (to, m) for to, m in smtp.messages}
    assert set(by_subject) == {"2 unread messages from Alice", "1 unread message from Carol"}
    to, mail = by_subject["2 unread messages from Alice"]
    assert to == ["bob@example.com"]
    body = mail.get_payload(decode=True).decode()
    assert "first from alice" in body and "second from alice" in body and "hello from carol" not in body
    assert app.config["ADDCHAT_SITE_URL"] in body
    assert "0 digest(s)" in sweep(app)  # nothing twice


def test_at_most_one_email_per_conversation_per_delay_window(app, api, users, smtp):
    alice = api("alice")
    alice.send(users["bob"], "one")
    age_messages(app, 601)
    sweep(app)
    alice.send(users["bob"], "two")
    age_messages(app, 601)
    assert "0 digest(s)" in sweep(app)  # the window of the first email has not passed
    with app.app_context():
        db.session.execute(update(Digest).values(last_sent_at=utcnow() - timedelta(seconds=601)))
        db.session.commit()
    assert "1 digest(s)" in sweep(app)
    body = smtp.messages[-1][1].get_payload(decode=True).decode()
    assert "two" in body and "one" not in body.split("away:")[1]


def test_no_email_for_seen_messages_an_open_widget_or_when_turned_off(app, api, users, smtp):
    alice, bob = api("alice"), api("bob")
    first = alice.send(users["bob"], "seen already").get_json()
    bob.post(f"/addchat/api/conversations/{users['alice']}/seen", json={"up_to_id": first["id"]})
    age_messages(app, 601)
    assert "0 digest(s)" in sweep(app)
    alice.send(users["bob"], "while the widget is open")
    age_messages(app, 601)
    assert bob.post("/addchat/api/activity").status_code == 200
    assert "0 digest(s)" in sweep(app)
    with app.app_context():
        db.session.execute(update(UserPrefs).values(last_active_at=utcnow() - timedelta(seconds=151)))
        db.session.commit()
    assert bob.post("/addchat/api/preferences", json={"email_digests": False}).get_json() == {
        "email_digests": False
    }
    assert bob.get("/addchat/api/preferences").get_json() == {"email_digests": False}
    assert "0 digest(s)" in sweep(app)
    bob.post("/addchat/api/preferences", json={"email_digests": True})
    assert "1 digest(s)" in sweep(app)
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_bad_preferences_are_refused_and_nothing_written(app, api, users, value):
    response = api("bob").post("/addchat/api/preferences", json={"email_digests": value})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_email_digests"
    assert count_rows(app, UserPrefs) == 0


def test_sweeps_at_once_from_several_processes_send_each_digest_once(app, api, users, smtp):
    """Four sweeps start together (threads, each with its own connection): one email per conversation."""
    for sender in ("alice", "carol"):
        for n in range(3):
            api(sender).send(users["bob"], f"{sender} {n}")
    api("bob").send(users["alice"], "to alice")
    age_messages(app, 601)
    barrier = threading.Barrier(4)
    outputs = []

    def run():
        barrier.wait()
        outputs.append(sweep(app))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outputs) == 4
    assert sorted(m["Subject"] for _, m in smtp.messages) == [
        "1 unread message from Bob",
        "3 unread messages from Alice",
        "3 unread messages from Carol",
    ]


def test_a_failing_smtp_server_is_logged_and_the_sweep_goes_on(app, api, users):
    mail_to(app, free_port())  # nobody listens there
    api("alice").send(users["bob"], "lost in the post")
    age_messages(app, 601)
    assert "0 digest(s)" in sweep(app)
