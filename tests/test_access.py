"""Who may chat with whom: groups and blocks on every endpoint, event and channel, plus their API and CLI."""

import pytest

from addchat.access_models import Block, Group
from addchat.extensions import socketio
from addchat.models import Change, Message
from addchat.transports.pusher.channels import chat_channel
from tests.conftest import count_rows

SOCKET = "123.456"


@pytest.fixture
def grouped(app, api, users):
    """Alice (admin) puts Alice and Bob in "staff", Carol in "guests", groups not linked."""
    alice = api("alice")
    staff = alice.post("/addchat/api/groups", json={"name": "staff"}).get_json()
    guests = alice.post("/addchat/api/groups", json={"name": "guests"}).get_json()
    alice.post(
        f"/addchat/api/groups/{staff['id']}/members", json={"user_ids": [users["alice"], users["bob"]]}
    )
    alice.post(f"/addchat/api/groups/{guests['id']}/members", json={"user_ids": [users["carol"]]})
    return {"staff": staff["id"], "guests": guests["id"]}


def contact_ids(client, q=""):
    return [c["id"] for c in client.get(f"/addchat/api/contacts?q={q}").get_json()["contacts"]]


def socket_for(app, client):
    """A Socket.IO test client sharing the API client's session cookie."""
    return socketio.test_client(app, flask_test_client=client.client)


def every_http_path(client, peer_id, message_id):
    """Try every chat endpoint toward one peer; return {name: response}."""
    return {
        "history": client.get(f"/addchat/api/conversations/{peer_id}/messages"),
        "send": client.send(peer_id, "hello?"),
        "seen": client.post(f"/addchat/api/conversations/{peer_id}/seen", json={"up_to_id": message_id}),
        "auth": client.client.post(
            "/addchat/pusher/auth",
            data={"socket_id": SOCKET, "channel_name": chat_channel(client.user_id, peer_id)},
            headers={"X-CSRFToken": client.token},
        ),
    }


def test_without_groups_everyone_may_chat(api, users):
    assert sorted(contact_ids(api("carol"))) == sorted([users["alice"], users["bob"]])


def test_a_user_of_a_forbidden_group_is_refused_everywhere_and_nothing_leaks(app, api, users, grouped):
    bob, carol = api("bob"), api("carol")
    message_id = bob.send(users["alice"], "staff only").get_json()["id"]
    before = (count_rows(app, Message), count_rows(app, Change))
    assert contact_ids(carol) == [] and contact_ids(carol, "Bob") == []
    assert users["carol"] not in contact_ids(bob)
    for name, response in every_http_path(carol, users["bob"], message_id).items():
        expected = 403 if name == "auth" else 404  # existence does not leak
        assert response.status_code == expected, (name, response.get_json())
        assert "error" in response.get_json()
    assert (count_rows(app, Message), count_rows(app, Change)) == before
    sock = socket_for(app, carol)
    typing = sock.emit("typing", {"to": users["bob"], "typing": True}, callback=True)
    assert typing["error"]["code"] == "unknown_user"
    watch = sock.emit("presence:watch", {"ids": [users["bob"]]}, callback=True)
    assert watch["error"]["code"] == "unknown_user"
    sock.disconnect()


def test_linking_groups_lets_their_members_chat_and_unlinking_stops_it(app, api, users, grouped):
    alice, carol = api("alice"), api("carol")
    link = alice.post(f"/addchat/api/groups/{grouped['staff']}/links", json={"group_id": grouped["guests"]})
    assert link.status_code == 200 and link.get_json()["linked"] == [grouped["guests"]]
    assert sorted(contact_ids(carol)) == sorted([users["alice"], users["bob"]])
    assert carol.send(users["bob"], "hi").status_code == 201
    alice.delete(f"/addchat/api/groups/{grouped['staff']}/links/{grouped['guests']}")
    assert carol.send(users["bob"], "hi again").status_code == 404
    # Every widget hears that access changed (a change for everyone), to reload its contacts.
    assert any(c["type"] == "access" for c in carol.poll()["changes"])


def test_a_user_in_no_group_reaches_no_one_once_groups_exist(app, api, users, grouped):
    alice = api("alice")
    alice.delete(f"/addchat/api/groups/{grouped['guests']}/members/{users['carol']}")
    assert contact_ids(api("carol")) == []
    assert alice.delete(f"/addchat/api/groups/{grouped['guests']}").status_code == 200
    assert alice.delete(f"/addchat/api/groups/{grouped['staff']}").status_code == 200
    assert sorted(contact_ids(api("carol"))) == sorted([users["alice"], users["bob"]])


def test_a_blocked_pair_gets_403_on_every_path_both_ways(app, api, users):
    bob, carol = api("bob"), api("carol")
    message_id = carol.send(users["bob"], "before the block").get_json()["id"]
    answer = bob.post("/addchat/api/blocks", json={"user_id": users["carol"]})
    assert answer.status_code == 201
    assert bob.post("/addchat/api/blocks", json={"user_id": users["carol"]}).status_code == 200
    before = (count_rows(app, Message), count_rows(app, Change))
    for client, peer in ((carol, users["bob"]), (bob, users["carol"])):
        assert peer not in contact_ids(client)
        for name, response in every_http_path(client, peer, message_id).items():
            assert response.status_code == 403, (name, response.get_json())
            code = response.get_json()["error"]["code"]
            assert code == ("channel_forbidden" if name == "auth" else "blocked"), name
        sock = socket_for(app, client)
        assert sock.emit("typing", {"to": peer, "typing": True}, callback=True)["error"]["code"] == "blocked"
        assert sock.emit("presence:watch", {"ids": [peer]}, callback=True)["error"]["code"] == "unknown_user"
        sock.disconnect()
    assert (count_rows(app, Message), count_rows(app, Change)) == before
    assert bob.get("/addchat/api/blocks").get_json()["blocked"][0]["id"] == users["carol"]
    assert carol.get("/addchat/api/blocks").get_json()["blocked"] == []
    # Only the blocker lifts it.
    assert carol.delete(f"/addchat/api/blocks/{users['bob']}").get_json()["removed"] is False
    assert bob.delete(f"/addchat/api/blocks/{users['carol']}").get_json()["removed"] is True
    assert carol.send(users["bob"], "after").status_code == 201


def test_open_widgets_learn_a_block_through_the_feed(app, api, users):
    bob, carol = api("bob"), api("carol")
    cursors = {name: c.poll()["cursor"] for name, c in (("bob", bob), ("carol", carol))}
    bob.post("/addchat/api/blocks", json={"user_id": users["carol"]})
    for name, client in (("bob", bob), ("carol", carol)):
        [change] = client.poll(cursors[name])["changes"]
        assert change["type"] == "block"
        assert change["data"] == {"blocker_id": users["bob"], "blocked_id": users["carol"], "blocked": True}
    assert api("alice").poll()["changes"] == []


def test_a_new_block_stops_presence_and_typing_already_flowing(app, api, users):
    api("alice").post("/addchat/api/settings", json={"notification_type": "socketio"})
    bob, carol = api("bob"), api("carol")
    watcher = socket_for(app, carol)
    assert watcher.emit("presence:watch", {"ids": [users["bob"]]}, callback=True)["ok"] is True
    first = socket_for(app, bob)
    assert [e["args"][0] for e in watcher.get_received() if e["name"] == "presence"] == [
        {"user_id": users["bob"], "online": True}
    ]
    bob.post("/addchat/api/blocks", json={"user_id": users["carol"]})
    first.disconnect()
    socket_for(app, bob).disconnect()
    assert [e for e in watcher.get_received() if e["name"] in ("presence", "typing")] == []
    watcher.disconnect()


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({}, 400, "invalid_user_id"),
        ({"user_id": "2"}, 400, "invalid_user_id"),
        ({"user_id": True}, 400, "invalid_user_id"),
        ({"user_id": 999999}, 404, "unknown_user"),
    ],
)
def test_bad_block_requests_write_nothing(app, api, users, payload, status, code):
    response = api("bob").post("/addchat/api/blocks", json=payload)
    assert response.status_code == status and response.get_json()["error"]["code"] == code
    assert count_rows(app, Block) == 0


def test_blocking_oneself_is_refused(app, api, users):
    response = api("bob").post("/addchat/api/blocks", json={"user_id": users["bob"]})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "self_block"


def test_group_endpoints_are_for_admins_and_check_input(app, api, users):
    bob, alice = api("bob"), api("alice")
    for response in (
        bob.get("/addchat/api/groups"),
        bob.post("/addchat/api/groups", json={"name": "x"}),
        bob.delete("/addchat/api/groups/1"),
        bob.post("/addchat/api/groups/1/members", json={"user_ids": [1]}),
        bob.post("/addchat/api/groups/1/links", json={"group_id": 2}),
    ):
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert count_rows(app, Group) == 0
    assert alice.post("/addchat/api/groups", json={"name": " "}).status_code == 400
    assert alice.post("/addchat/api/groups", json={"name": "a"}).status_code == 201
    assert alice.post("/addchat/api/groups", json={"name": "a"}).status_code == 409
    gid = alice.get("/addchat/api/groups").get_json()["groups"][0]["id"]
    assert alice.post(f"/addchat/api/groups/{gid}/members", json={"user_ids": [999]}).status_code == 404
    assert alice.post(f"/addchat/api/groups/{gid}/members", json={"user_ids": "1"}).status_code == 400
    assert alice.post(f"/addchat/api/groups/{gid}/links", json={"group_id": gid}).status_code == 400
    assert alice.post("/addchat/api/groups/777/links", json={"group_id": gid}).status_code == 404
    assert alice.get("/addchat/api/groups").get_json()["groups"][0]["members"] == []


def test_groups_cli(app, api, users):
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=["addchat", "groups", *map(str, args)])
        return result.exit_code, result.output

    assert run("create", "staff")[0] == 0
    assert run("create", "guests")[0] == 0
    assert run("create", "staff")[0] != 0
    assert run("add", "staff", users["alice"], users["bob"])[0] == 0
    assert run("add", "guests", users["carol"])[0] == 0
    assert users["carol"] not in contact_ids(api("bob"))
    code, output = run("link", "staff", "guests")
    assert code == 0 and "linked to" in output
    assert users["carol"] in contact_ids(api("bob"))
    assert run("unlink", "staff", "guests")[0] == 0
    assert run("remove", "staff", users["bob"])[0] == 0
    code, output = run("list")
    assert code == 0 and '"name": "staff"' in output and f'"members": [{users["alice"]}]' in output
    assert run("delete", "nope")[0] != 0
    assert run("delete", "guests")[0] == 0
