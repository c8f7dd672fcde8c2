"""Editing one's own message within the window, and replies that quote a message, through the API."""

from datetime import timedelta

import pytest

from addchat.extensions import db
from addchat.models import Change, Message
from tests.conftest import count_rows


def patch(client, message_id, body):
    """PATCH a message's body with the CSRF header."""
    return client.client.patch(
        f"/addchat/api/messages/{message_id}", json={"body": body}, headers={"X-CSRFToken": client.token}
    )


def test_edit_own_message_reaches_both_feeds(api, users):
    alice, bob = api("alice"), api("bob")
    message = alice.send(users["bob"], "Helo").get_json()
    cursors = {"alice": alice.poll()["cursor"], "bob": bob.poll()["cursor"]}
    response = patch(alice, message["id"], "Hello")
    assert response.status_code == 200
    edited = response.get_json()
    assert edited["body"] == "Hello" and edited["edited_at"].endswith("Z")
    for who, client in (("alice", alice), ("bob", bob)):
        changes = client.poll(cursors[who])["changes"]
        assert [c["type"] for c in changes] == ["message_edited"]
        assert changes[0]["data"]["id"] == message["id"] and changes[0]["data"]["body"] == "Hello"
    page = bob.get(f"/addchat/api/conversations/{users['alice']}/messages").get_json()
    assert page["messages"][0]["body"] == "Hello" and page["messages"][0]["edited_at"]


def test_the_same_body_writes_nothing(app, api, users):
    alice = api("alice")
    message = alice.send(users["bob"], "same").get_json()
    before = count_rows(app, Change)
    response = patch(alice, message["id"], "same")
    assert response.status_code == 200 and response.get_json()["edited_at"] is None
    assert count_rows(app, Change) == before


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("bob", "mine now", 403, "forbidden"),
        ("carol", "mine now", 404, "unknown_message"),
        ("alice", "   ", 400, "empty_body"),
        ("alice", 42, 400, "invalid_body"),
        ("alice", "x" * 5001, 413, "body_too_long"),
    ],
)
def test_refused_edits_write_nothing(app, api, users, who, body, status, code):
    message = api("alice").send(users["bob"], "original").get_json()
    before = count_rows(app, Change)
    response = patch(api(who), message["id"], body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert count_rows(app, Change) == before
    with app.app_context():
        stored = db.session.get(Message, message["id"])
        assert stored.body == "original" and stored.edited_at is None


def test_no_edit_after_the_window_or_once_deleted(app, api, users):
    alice = api("alice")
    old = alice.send(users["bob"], "old").get_json()
    gone = alice.send(users["bob"], "gone").get_json()
    with app.app_context():
        row = db.session.get(Message, old["id"])
        row.created_at = row.created_at - timedelta(seconds=app.config["ADDCHAT_EDIT_WINDOW_S"] + 5)
        db.session.commit()
    assert alice.delete(f"/addchat/api/messages/{gone['id']}").status_code == 200
    before = count_rows(app, Change)
    late = patch(alice, old["id"], "new")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "edit_window_passed"
    deleted = patch(alice, gone["id"], "new")
    assert deleted.status_code == 409 and deleted.get_json()["error"]["code"] == "message_deleted"
    assert patch(alice, 999999, "new").status_code == 404
    assert count_rows(app, Change) == before


def test_config_tells_the_widget_the_edit_window(api):
    config = api("alice").get("/addchat/api/config").get_json()
    assert config["edit_window_s"] == 900
    assert {"poll_active_ms", "poll_hidden_ms"} <= set(config["transport"])


def test_a_reply_quotes_its_message_everywhere(api, users):
    alice, bob = api("alice"), api("bob")
    question = alice.send(users["bob"], "Lunch at noon?").get_json()
    cursor = alice.poll()["cursor"]
    reply = bob.send(users["alice"], "Yes!", reply_to_id=question["id"]).get_json()
    assert reply["reply_to_id"] == question["id"]
    assert reply["reply_to"] == {
        "id": question["id"],
        "from_id": users["alice"],
        "body": "Lunch at noon?",
        "deleted": False,
    }
    pushed = alice.poll(cursor)["changes"][0]["data"]
    assert pushed["reply_to"]["body"] == "Lunch at noon?"
    page = alice.get(f"/addchat/api/conversations/{users['bob']}/messages").get_json()["messages"]
    assert page[-1]["reply_to"]["id"] == question["id"] and page[0]["reply_to"] is None


def test_a_reply_must_quote_a_message_of_its_conversation(app, api, users):
    elsewhere = api("alice").send(users["carol"], "for carol").get_json()
    before = count_rows(app, Message)
    response = api("bob").send(users["alice"], "sneaky", reply_to_id=elsewhere["id"])
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "unknown_reply_to"
    assert api("bob").send(users["alice"], "bad", reply_to_id="1").status_code == 400
    assert count_rows(app, Message) == before


def test_openapi_documents_edits(api):
    doc = api().get("/addchat/api/openapi.json").get_json()
    assert "patch" in doc["paths"]["/messages/{message_id}"]
    assert "message_edited" in doc["components"]["schemas"]["Change"]["properties"]["type"]["enum"]
