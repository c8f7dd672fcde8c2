"""PostgreSQL restarted mid-traffic: clean 503s, recovery without help, nothing lost or doubled."""

import time

from sqlalchemy import func, select

from addchat.extensions import db
from addchat.models import Change, Message
from testkit import throwaway_database
from tests.faults.traffic import Ledger, Poller, Sender
from tests.transports.socketio.servers import ChatDatabase, Http, ServerProcess, wait_until

MESSAGES = 40  # per sender


def test_postgres_restart_mid_traffic(own_postgres, tmp_path):
    url, _ = throwaway_database(own_postgres.url, prefix="addchat_faults")  # gone with the cluster
    chat = ChatDatabase(url)
    server = ServerProcess(url, "gevent", tmp_path)
    server.env["ADDCHAT_DB_RETRY_AFTER"] = "1"
    server.start()
    try:
        ledger = Ledger()
        bob = chat.ids["bob"]
        senders = [
            Sender(Http(server.url, *chat.credentials(key)), bob, MESSAGES, ledger, key)
            for key in ("alice", "carol")
        ]
        poller = Poller(Http(server.url, *chat.credentials("bob")), ledger)
        poller.start()
        for sender in senders:
            sender.start()
        wait_until(lambda: sum(len(s.acknowledged) for s in senders) >= 10, message="traffic flowing")

        own_postgres.stop("fast")  # open transactions roll back; every connection is cut
        wait_until(lambda: len(ledger.unavailable) >= 3, message="503s while the database is down")
        time.sleep(1)  # a little more traffic into the outage
        own_postgres.start()

        for sender in senders:
            sender.join(timeout=120)
            assert not sender.is_alive()
        expected = sorted(body for s in senders for body in s.bodies)
        wait_until(lambda: len(set(poller.bodies())) >= len(expected), message="the poll caught up")
        poller.stop()

        # Clean failures only: a JSON 503 that names the cause and says when to retry.
        assert ledger.unexpected() == []
        assert ledger.unavailable
        assert set(ledger.unavailable) == {("database_unavailable", "1")}
        # Every message acknowledged once and stored once; the poll delivered each exactly once.
        assert sorted(poller.bodies()) == expected
        with chat.app.app_context():
            stored = db.session.execute(
                select(Message.body, Message.client_id).where(Message.recipient_id == bob)
            )
            stored = sorted(stored)
            assert [body for body, _ in stored] == expected
            assert {cid for _, cid in stored} == {cid for s in senders for cid in s.acknowledged}
            # No half-written message: each stored message has exactly its one feed change for Bob.
            changes = db.session.scalar(
                select(func.count())
                .select_from(Change)
                .where(Change.user_id == bob, Change.kind == "message")
            )
            assert changes == len(expected)
        # Recovered by itself: the server still answers without a restart.
        assert Http(server.url, *chat.credentials("dave")).get("config")["user"]["id"] == chat.ids["dave"]
    finally:
        server.stop()
        chat.close()
