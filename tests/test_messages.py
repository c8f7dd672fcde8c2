"""Sending, history, contacts, seen receipts and deletion through the API."""

from addchat.models import Change, Message
from tests.conftest import count_rows


def test_send_returns_stored_message(api, users):
    alice = api("alice")
    response = alice.send(users["bob"], "Hello Bob")
    assert response.status_code == 201
    message = response.get_json()
    assert message["from_id"] == users["alice"]
    assert message["to_id"] == users["bob"]
    assert message["body"] == "Hello Bob"
    assert message["seen_at"] is None
    assert message["created_at"].endswith("Z")
    assert message["deleted"] is False


def test_history_pages_newest_first(api, users):
    alice, bob = api("alice"), api("bob")
    for n in range(7):
        (alice if n % 2 == 0 else bob).send(users["bob"] if n % 2 == 0 else users["alice"], f"m{n}")
    first = alice.get(f"/addchat/api/conversations/{users['bob']}/messages?limit=3").get_json()
    assert [m["body"] for m in first["messages"]] == ["m4", "m5", "m6"]
    assert first["has_more"] is True
    before = first["messages"][0]["id"]
    second = alice.get(
        f"/addchat/api/conversations/{users['bob']}/messages?limit=3&before={before}"
    ).get_json()
    assert [m["body"] for m in second["messages"]] == ["m1", "m2", "m3"]
    last = alice.get(
        f"/addchat/api/conversations/{users['bob']}/messages?limit=3&before={second['messages'][0]['id']}"
    ).get_json()
    assert [m["body"] for m in last["messages"]] == ["m0"]
    assert last["has_more"] is False


def test_history_excludes_other_conversations(api, users):
    api("alice").send(users["bob"], "for bob")
    api("carol").send(users["bob"], "carol to bob")
    page = api("alice").get(f"/addchat/api/conversations/{users['bob']}/messages").get_json()
    assert [m["body"] for m in page["messages"]] == ["for bob"]


def test_contacts_have_unread_and_last_message(api, users):
    alice, bob = api("alice"), api("bob")
    alice.send(users["bob"], "one")
    alice.send(users["bob"], "two")
    api("carol").send(users["bob"], "from carol")
    contacts = bob.get("/addchat/api/contacts").get_json()["contacts"]
    by_id = {c["id"]: c for c in contacts}
    assert users["bob"] not in by_id
    assert by_id[users["alice"]]["unread"] == 2
    assert by_id[users["alice"]]["last_message"]["body"] == "two"
    assert by_id[users["carol"]]["unread"] == 1
    # Most recent conversation first.
    assert contacts[0]["id"] == users["carol"]


def test_contacts_search_by_name(api, users):
    names = [c["name"] for c in api("alice").get("/addchat/api/contacts?q=car").get_json()["contacts"]]
    assert names == ["Carol"]
    # LIKE wildcards are matched literally.
    assert api("alice").get("/addchat/api/contacts?q=%25").get_json()["contacts"] == []


def test_seen_marks_and_notifies_sender(api, users):
    alice, bob = api("alice"), api("bob")
    ids = [alice.send(users["bob"], f"m{n}").get_json()["id"] for n in range(3)]
    cursor = alice.poll()["cursor"]
    response = bob.post(f"/addchat/api/conversations/{users['alice']}/seen", json={"up_to_id": ids[1]})
    assert response.status_code == 200
    assert response.get_json()["updated"] == 2
    changes = alice.poll(cursor)["changes"]
    assert [c["type"] for c in changes] == ["seen"]
    assert changes[0]["data"]["up_to_id"] == ids[1]
    assert changes[0]["data"]["reader_id"] == users["bob"]
    contacts = {c["id"]: c for c in bob.get("/addchat/api/contacts").get_json()["contacts"]}
    assert contacts[users["alice"]]["unread"] == 1
    # Seeing the same messages again writes nothing new.
    again = bob.post(f"/addchat/api/conversations/{users['alice']}/seen", json={"up_to_id": ids[1]})
    assert again.get_json()["updated"] == 0
    assert alice.poll(changes[0]["seq"])["changes"] == []


def test_client_id_makes_retries_safe(app, api, users):
    alice = api("alice")
    first = alice.send(users["bob"], "once", client_id="abc-1")
    retry = alice.send(users["bob"], "once", client_id="abc-1")
    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.get_json()["id"] == first.get_json()["id"]
    assert count_rows(app, Message) == 1
    assert len(api("bob").poll()["changes"]) == 1


def test_client_id_reused_for_other_body_conflicts(app, api, users):
    alice = api("alice")
    alice.send(users["bob"], "once", client_id="abc-2")
    response = alice.send(users["bob"], "different", client_id="abc-2")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "client_id_reused"
    assert count_rows(app, Message) == 1


def test_delete_own_message(api, users):
    alice, bob = api("alice"), api("bob")
    message = alice.send(users["bob"], "oops").get_json()
    cursor = bob.poll()["cursor"]
    response = alice.delete(f"/addchat/api/messages/{message['id']}")
    assert response.status_code == 200
    assert response.get_json()["deleted"] is True
    changes = bob.poll(cursor)["changes"]
    assert changes[0]["type"] == "message_deleted"
    assert changes[0]["data"]["id"] == message["id"]
    page = bob.get(f"/addchat/api/conversations/{users['alice']}/messages").get_json()
    assert page["messages"][0]["body"] == ""


def test_cannot_delete_received_or_foreign_message(app, api, users):
    message = api("alice").send(users["bob"], "mine").get_json()
    assert api("bob").delete(f"/addchat/api/messages/{message['id']}").status_code == 403
    assert api("carol").delete(f"/addchat/api/messages/{message['id']}").status_code == 404
    assert count_rows(app, Change) == 2
