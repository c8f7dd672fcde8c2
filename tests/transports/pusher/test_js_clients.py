"""Clients nobody here wrote (pusher-js, Laravel Echo) in Node, authorising through our endpoint."""

import pytest

pytestmark = pytest.mark.timeout(90)


def node_config(live_app, users, port):
    """What the Node scripts need: the app URL and each user's browser credentials."""
    config = {"url": live_app.url, "pusherPort": port}
    for name in ("alice", "bob", "carol"):
        config[name] = live_app.credentials(users[name])
    return config


def test_pusherjs_chat_presence_typing_and_refusals(app, users, api, live_app, node_client, pusher_server):
    alice, bob = api("alice"), api("bob")
    node = node_client("pusherjs_widget_flow.mjs", node_config(live_app, users, pusher_server.port))
    socket_id = node.expect("ready")["aliceSocket"]
    sent = alice.post(
        f"/addchat/api/conversations/{users['bob']}/messages",
        json={"body": "hello Bob"},
        headers={"X-Socket-Id": socket_id},
    ).get_json()
    reply = bob.send(users["alice"], "hello Alice").get_json()
    node.tell()
    result = node.expect("result")
    node.finish()

    alice_id, bob_id = str(users["alice"]), str(users["bob"])
    assert result["notificationType"] == "pusher"
    assert result["aliceChannel"] == f"private-addchat.user.{alice_id}"
    assert result["carolFeedError"] == "HTTP 403 channel_forbidden"
    assert result["carolPairError"] == "HTTP 403 channel_forbidden"
    assert result["bobSeesMembers"] == sorted([alice_id, bob_id])
    assert result["bobMe"] == {"id": bob_id, "info": {"name": "Bob", "avatar": None}}
    assert result["aliceSawArrive"] == {"id": bob_id, "info": {"name": "Bob", "avatar": None}}
    assert result["bobGot"] == {"seq": sent["seq"], "type": "message", "data": sent}
    # Alice's own tab was excluded from her message: the first change it gets is Bob's reply.
    assert result["aliceGot"]["data"]["id"] == reply["id"]
    assert result["triggered"] is True
    assert result["typing"] == {"data": {"typing": True}, "userId": bob_id}
    assert result["aliceSawLeave"] == bob_id
    assert result["membersAfter"] == 1


def test_laravel_echo_private_presence_and_whisper(app, users, api, live_app, node_client, pusher_server):
    node = node_client("echo_flow.mjs", node_config(live_app, users, pusher_server.port))
    assert node.expect("ready") is True
    sent = api("bob").send(users["alice"], "from Bob").get_json()
    node.tell()
    result = node.expect("result")
    node.finish()

    assert result["here"] == ["Alice"]
    assert result["eveRefused"] == "HTTP 403 channel_forbidden"
    assert result["change"] == {"seq": sent["seq"], "type": "message", "data": sent}
    assert result["joining"] == "Bob"
    assert result["whisper"] == {"typing": True}
