"""Bad input: a clear JSON error with the right status, and nothing written."""

import pytest

from addchat.models import Change, Message, Setting
from tests.conftest import count_rows


def _unchanged(app):
    """Snapshot the row counts a refused request must not change."""
    return count_rows(app, Message), count_rows(app, Change), count_rows(app, Setting)


SEND_CASES = [
    ("not json", None, 400, "invalid_json"),
    ("list body", [1, 2], 400, "invalid_json"),
    ("missing body", {}, 400, "invalid_body"),
    ("number body", {"body": 42}, 400, "invalid_body"),
    ("null body", {"body": None}, 400, "invalid_body"),
    ("empty body", {"body": ""}, 400, "empty_body"),
    ("blank body", {"body": "  \n\t "}, 400, "empty_body"),
    ("over-long body", {"body": "x" * 5001}, 413, "body_too_long"),
    ("bad client_id", {"body": "hi", "client_id": 7}, 400, "invalid_client_id"),
    ("long client_id", {"body": "hi", "client_id": "c" * 65}, 400, "invalid_client_id"),
]


@pytest.mark.parametrize("label,payload,status,code", SEND_CASES, ids=[c[0] for c in SEND_CASES])
def test_send_rejects_bad_body(app, api, users, label, payload, status, code):
    before = _unchanged(app)
    alice = api("alice")
    if payload is None:
        response = alice.post(
            f"/addchat/api/conversations/{users['bob']}/messages",
            data="body=hi",
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = alice.post(f"/addchat/api/conversations/{users['bob']}/messages", json=payload)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]
    assert _unchanged(app) == before


def test_body_limit_is_configurable(app, api, users):
    app.config["ADDCHAT_MAX_BODY_LENGTH"] = 10
    alice = api("alice")
    assert alice.send(users["bob"], "x" * 10).status_code == 201
    assert alice.send(users["bob"], "x" * 11).status_code == 413


def test_request_over_max_content_length_is_json_413(app, api, users):
    before = _unchanged(app)
    response = api("alice").send(users["bob"], "x" * 70_000)
    assert response.status_code == 413
    assert "error" in response.get_json()
    assert _unchanged(app) == before


def test_send_to_unknown_user_is_404(app, api, users):
    before = _unchanged(app)
    response = api("alice").send(999_999, "hi")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_user"
    assert _unchanged(app) == before


def test_chatting_with_oneself_is_refused(app, api, users):
    before = _unchanged(app)
    response = api("alice").send(users["alice"], "me")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "self_chat"
    assert _unchanged(app) == before


@pytest.mark.parametrize("up_to_id", ["7", None, True, -1, 0, 1.5, [1]])
def test_seen_rejects_bad_ids(app, api, users, up_to_id):
    api("alice").send(users["bob"], "hi")
    before = _unchanged(app)
    response = api("bob").post(
        f"/addchat/api/conversations/{users['alice']}/seen", json={"up_to_id": up_to_id}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_up_to_id"
    assert _unchanged(app) == before


def test_seen_with_foreign_message_id_is_404(app, api, users):
    theirs = api("alice").send(users["carol"], "private").get_json()
    mine = api("alice").send(users["bob"], "to bob").get_json()
    before = _unchanged(app)
    bob = api("bob")
    # Alice's message to Carol is not Bob's to mark.
    response = bob.post(f"/addchat/api/conversations/{users['alice']}/seen", json={"up_to_id": theirs["id"]})
    assert response.status_code == 404
    # Bob's own sent direction is not a receipt either.
    response = api("alice").post(
        f"/addchat/api/conversations/{users['bob']}/seen", json={"up_to_id": mine["id"]}
    )
    assert response.status_code == 404
    assert _unchanged(app) == before
    with app.app_context():
        from addchat.extensions import db

        assert db.session.get(Message, theirs["id"]).seen_at is None


@pytest.mark.parametrize("query", ["cursor=abc", "cursor=-1", "cursor=1.5", "cursor=99999999999999999999999"])
def test_poll_rejects_bad_cursor(api, users, query):
    response = api("bob").get(f"/addchat/api/poll?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("query", ["before=x", "before=0", "limit=0", "limit=101", "limit=y"])
def test_history_rejects_bad_paging(api, users, query):
    response = api("alice").get(f"/addchat/api/conversations/{users['bob']}/messages?{query}")
    assert response.status_code == 400


def test_history_with_unknown_user_is_404(api, users):
    assert api("alice").get("/addchat/api/conversations/424242/messages").status_code == 404


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/addchat/api/config"),
        ("get", "/addchat/api/contacts"),
        ("get", "/addchat/api/conversations/1/messages"),
        ("post", "/addchat/api/conversations/1/messages"),
        ("post", "/addchat/api/conversations/1/seen"),
        ("delete", "/addchat/api/messages/1"),
        ("get", "/addchat/api/poll"),
        ("get", "/addchat/api/settings"),
    ],
)
def test_anonymous_calls_get_401_json_never_a_redirect(app, method, path):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    response = getattr(client, method)(path, json={})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_missing_csrf_token_is_refused(app, api, users):
    alice = api("alice")
    before = _unchanged(app)
    response = alice.client.post(f"/addchat/api/conversations/{users['bob']}/messages", json={"body": "hi"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert _unchanged(app) == before


def test_unknown_api_path_is_json_404(api, users):
    response = api("alice").get("/addchat/api/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_sending_too_fast_is_429(app, api, users):
    app.config["ADDCHAT_SEND_RATE_LIMIT"] = "3/minute"
    alice = api("alice")
    statuses = [alice.send(users["bob"], f"m{n}").status_code for n in range(4)]
    assert statuses == [201, 201, 201, 429]
    assert count_rows(app, Message) == 3


def test_settings_need_an_admin(app, api, users):
    before = _unchanged(app)
    response = api("bob").post("/addchat/api/settings", json={"notification_type": "pusher"})
    assert response.status_code == 403
    assert api("bob").get("/addchat/api/settings").status_code == 403
    assert _unchanged(app) == before


def test_settings_reject_unknown_type(app, api, users):
    before = _unchanged(app)
    response = api("alice").post("/addchat/api/settings", json={"notification_type": "carrier-pigeon"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_notification_type"
    assert _unchanged(app) == before
