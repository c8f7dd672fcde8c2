"""Bad input never answers 500: huge or non-ASCII ids and cursors, deep or invalid JSON bodies."""

import json

import pytest

from addchat.models import Change, Message, Setting
from tests.conftest import count_rows

HUGE = [2**63, 2**64, 10**30, 2**62 + 1]


def _unchanged(app):
    """Snapshot the row counts a refused request must not change."""
    return count_rows(app, Message), count_rows(app, Change), count_rows(app, Setting)


def _assert_error(response, *statuses):
    """The answer is one of the statuses, in the API's JSON error shape."""
    assert response.status_code in statuses, (response.status_code, response.data[:200])
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str)


@pytest.mark.parametrize("huge", HUGE)
def test_huge_ids_in_paths_are_404(app, api, users, huge):
    alice = api("alice")
    before = _unchanged(app)
    _assert_error(alice.delete(f"/addchat/api/messages/{huge}"), 404)
    _assert_error(alice.get(f"/addchat/api/conversations/{huge}/messages"), 404)
    _assert_error(alice.send(huge, "hi"), 404)
    _assert_error(alice.post(f"/addchat/api/conversations/{huge}/seen", json={"up_to_id": 1}), 404)
    assert _unchanged(app) == before


@pytest.mark.parametrize("digits", ["๓", "𝟘", "３", "²", "¹"])
def test_non_ascii_digits_in_paths_are_404(app, api, users, digits):
    alice = api("alice")
    _assert_error(alice.get(f"/addchat/api/conversations/{digits}/messages"), 404)
    _assert_error(alice.send(digits, "hi"), 404)
    assert count_rows(app, Message) == 0


@pytest.mark.parametrize(
    "query",
    [
        "cursor=--1",
        "cursor=²",
        "cursor=𝟘",
        "cursor=๓",
        "cursor=３",
        "cursor=1_0",
        "cursor=+1",
        "cursor= 1",
        "cursor=",
    ],
)
def test_poll_cursor_takes_ascii_digits_only(api, users, query):
    response = api("bob").get(f"/addchat/api/poll?{query}")
    _assert_error(response, 400)
    assert response.get_json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("query", ["limit=¹", "limit=๓", "before=𝟘", "before=４", f"before={2**63}"])
def test_history_paging_takes_ascii_digits_only(api, users, query):
    response = api("alice").get(f"/addchat/api/conversations/{users['bob']}/messages?{query}")
    _assert_error(response, 400)


def _raw_post(client, path, raw):
    """POST raw bytes as JSON with the CSRF header."""
    return client.client.post(
        path, data=raw, content_type="application/json", headers={"X-CSRFToken": client.token}
    )


@pytest.mark.parametrize(
    "raw",
    [
        b'{"body":' + b"[" * 1000 + b"]" * 1000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"body": {"a":' * 40 + b"1" + b"}" * 41,
        b'{"body": "\\ud800"}',
        b'{"body": "ok", "client_id": "\\udfff"}',
        b'{"body": "\xff\xfe"}',
        b'{"body": NaN}',
    ],
    ids=[
        "nested-1000",
        "nested-100000",
        "nested-41",
        "lone-surrogate",
        "surrogate-client-id",
        "bad-utf8",
        "nan",
    ],
)
def test_hostile_json_bodies_are_400(app, api, users, raw):
    alice = api("alice")
    before = _unchanged(app)
    response = _raw_post(alice, f"/addchat/api/conversations/{users['bob']}/messages", raw)
    _assert_error(response, 400, 413)
    assert _unchanged(app) == before


def test_lone_surrogate_in_seen_and_settings_is_400(app, api, users):
    alice = api("alice")
    before = _unchanged(app)
    path = f"/addchat/api/conversations/{users['bob']}/seen"
    _assert_error(_raw_post(alice, path, b'{"up_to_id": 1, "x": "\\ud800"}'), 400)
    _assert_error(_raw_post(alice, "/addchat/api/settings", b'{"notification_type": "\\ud800"}'), 400)
    assert _unchanged(app) == before


def test_flat_bodies_still_work(api, users):
    response = api("alice").send(users["bob"], json.loads('"caf\\u00e9 \\ud83d\\ude00"'))
    assert response.status_code == 201
    assert response.get_json()["body"] == "café 😀"


@pytest.mark.parametrize(
    "method,path",
    [
        ("post", "/addchat/api/conversations/1/messages"),
        ("post", "/addchat/api/conversations/1/seen"),
        ("delete", "/addchat/api/messages/1"),
        ("post", "/addchat/api/settings"),
    ],
)
def test_anonymous_writes_are_401_with_csrf_on(app, method, path):
    """Sign-in is checked before CSRF, as the OpenAPI document says: 401, not 400."""
    assert app.config.get("WTF_CSRF_ENABLED", True)
    response = getattr(app.test_client(), method)(path, json={})
    _assert_error(response, 401)


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("post", "/addchat/api/conversations/{bob}/messages", {"body": "hi"}),
        ("post", "/addchat/api/conversations/{bob}/seen", {"up_to_id": 1}),
        ("delete", "/addchat/api/messages/1", None),
        ("post", "/addchat/api/settings", {"notification_type": "socketio"}),
    ],
)
def test_signed_in_writes_without_token_are_400_csrf_failed(app, api, users, method, path, body):
    alice = api("alice")
    before = _unchanged(app)
    response = getattr(alice.client, method)(path.format(bob=users["bob"]), json=body)
    _assert_error(response, 400)
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert _unchanged(app) == before


def test_integral_floats_are_ids_as_json_says(app, api, users):
    """JSON Schema counts 7.0 as an integer; the server agrees (the OpenAPI document says integer)."""
    sent = api("alice").send(users["bob"], "hi").get_json()
    response = api("bob").post(
        f"/addchat/api/conversations/{users['alice']}/seen", json={"up_to_id": float(sent["id"])}
    )
    assert response.status_code == 200
    assert response.get_json()["updated"] == 1


def test_query_text_length_is_counted_before_trimming(api, users):
    response = api("alice").get("/addchat/api/contacts", query_string={"q": " " * 101})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path,body",
    [
        ("/addchat/api/conversations/{bob}/messages", {"body": "hi", "extra": "x" * 60_000}),
        ("/addchat/api/conversations/{bob}/seen", {"up_to_id": 1, "x": 1}),
        ("/addchat/api/settings", {"notification_type": "internal", "x": None}),
    ],
)
def test_unknown_body_fields_are_refused(app, api, users, path, body):
    """Bodies hold exactly the documented fields (additionalProperties: false in the document)."""
    before = _unchanged(app)
    response = api("alice").post(path.format(bob=users["bob"]), json=body)
    _assert_error(response, 400)
    assert response.get_json()["error"]["code"] == "unknown_field"
    assert _unchanged(app) == before
