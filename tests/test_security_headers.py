"""Security headers on what AddChat serves, 405 with Allow, and the widget under the strict CSP."""

import pytest

from addchat.hardening import PAGE_CSP


def _login_admin(api):
    """Alice, an admin, signed in."""
    return api("alice")


@pytest.mark.parametrize(
    "path,kind",
    [
        ("/addchat/admin/", "page"),
        ("/addchat/api/config", "resource"),
        ("/addchat/api/poll?cursor=0", "resource"),
        ("/addchat/api/openapi.json", "resource"),
        ("/addchat/api/nope", "resource"),
        ("/addchat/widget.js", "resource"),
    ],
)
def test_addchat_responses_carry_security_headers(api, users, path, kind):
    response = _login_admin(api).get(path)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    if kind == "page":
        assert csp == PAGE_CSP
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    else:
        assert csp.startswith("default-src 'none'")


def test_anonymous_and_error_answers_carry_them_too(app):
    response = app.test_client().get("/addchat/api/config")
    assert response.status_code == 401
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_demo_pages_keep_their_csp_and_gain_nosniff(app):
    response = app.test_client().get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_page_csp_is_configurable(app, api, users):
    app.config["ADDCHAT_PAGE_CSP"] = "default-src 'self'; frame-ancestors https://intranet.example"
    response = _login_admin(api).get("/addchat/admin/")
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors https://intranet.example")


@pytest.mark.parametrize(
    "path,allowed",
    [
        ("/addchat/api/config", {"GET", "HEAD", "OPTIONS"}),
        ("/addchat/api/conversations/2/messages", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("/addchat/api/messages/1", {"DELETE", "OPTIONS", "PATCH"}),
        ("/login", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("/addchat/pusher/auth", {"POST", "OPTIONS"}),
    ],
)
def test_trace_answers_405_with_allow(api, users, path, allowed):
    response = api("alice").client.open(path, method="TRACE")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
