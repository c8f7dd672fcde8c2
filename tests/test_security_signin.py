"""Sign-in and sign-out: revocable cookies, throttled attempts, no account oracle, fresh CSRF tokens."""

import re
import time

import pytest

from addchat import create_app
from addchat.extensions import db
from addchat.models import ChatBase, User, UserSession
from tests.test_security_config import production


def _form_token(client):
    """Return the CSRF token of the login form."""
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, email="bob@example.com", password="pw", address="127.0.0.1"):
    """POST the demo's login form; return the response."""
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": _form_token(client)},
        environ_base={"REMOTE_ADDR": address},
    )


def sign_out(client):
    """POST the demo's logout form with the session's token."""
    token = client.get("/addchat/api/config").get_json()["csrf_token"]
    return client.post("/logout", data={"csrf_token": token})


def remember_cookie(client):
    """Return the remember-me cookie's value."""
    cookie = client.get_cookie("remember_token")
    return cookie.value if cookie else None


def only_remember(app, value):
    """A fresh client holding nothing but a remember-me cookie."""
    client = app.test_client()
    client.set_cookie("remember_token", value)
    return client


def test_remember_cookie_changes_at_every_sign_in(app, users):
    first, second = app.test_client(), app.test_client()
    assert sign_in(first).status_code == 302
    assert sign_in(second).status_code == 302
    assert remember_cookie(first) and remember_cookie(second)
    assert remember_cookie(first) != remember_cookie(second)


def test_sign_out_revokes_the_remember_cookie_and_the_session_cookie(app, users):
    browser = app.test_client()
    assert sign_in(browser).status_code == 302
    remembered = remember_cookie(browser)
    session_copy = browser.get_cookie("session").value
    other_device = app.test_client()
    sign_in(other_device)
    # Before sign-out the remember cookie alone signs in (that is its job).
    assert only_remember(app, remembered).get("/addchat/api/config").status_code == 200
    token = browser.get("/addchat/api/config").get_json()["csrf_token"]
    assert sign_out(browser).status_code == 302
    stolen = only_remember(app, remembered)
    assert stolen.get("/addchat/api/config").status_code == 401
    response = stolen.post(
        f"/addchat/api/conversations/{users['alice']}/messages",
        json={"body": "as bob"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 401
    copied = app.test_client()
    copied.set_cookie("session", session_copy)
    assert copied.get("/addchat/api/config").status_code == 401
    # The same user's other sign-in lives on.
    assert other_device.get("/addchat/api/config").status_code == 200
    with app.app_context():
        assert db.session.query(UserSession).filter_by(user_id=users["bob"]).count() == 1


def test_csrf_token_is_rotated_at_sign_in(app, users):
    client = app.test_client()
    before = _form_token(client)
    assert sign_in(client).status_code == 302
    after = client.get("/addchat/api/config").get_json()["csrf_token"]
    assert after != before
    # The token read before sign-in no longer passes.
    response = client.post(
        f"/addchat/api/conversations/{users['alice']}/messages",
        json={"body": "hi"},
        headers={"X-CSRFToken": before},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_failed_sign_ins_are_throttled_per_account(app, users):
    statuses = [
        sign_in(app.test_client(), password="wrong", address=f"10.0.0.{n}").status_code for n in range(8)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 3
    # Even the right password waits out the account's window; another account is not affected.
    assert sign_in(app.test_client(), address="10.0.1.1").status_code == 429
    assert sign_in(app.test_client(), email="carol@example.com", address="10.0.1.2").status_code == 302


def test_failed_sign_ins_are_throttled_per_address(app, users):
    statuses = [
        sign_in(app.test_client(), email=f"nobody{n}@example.com", password="x").status_code
        for n in range(22)
    ]
    assert statuses[:20] == [200] * 20 and statuses[20:] == [429, 429]
    assert sign_in(app.test_client(), email="carol@example.com").status_code == 429
    assert sign_in(app.test_client(), email="carol@example.com", address="10.9.9.9").status_code == 302


def test_successful_sign_ins_are_not_counted(app, users):
    assert all(sign_in(app.test_client()).status_code == 302 for _ in range(8))


def test_unknown_account_takes_as_long_as_a_wrong_password(app, users):
    app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"] = "1000/minute"
    client = app.test_client()
    token = _form_token(client)

    def timed(email):
        start = time.perf_counter()
        response = client.post("/login", data={"email": email, "password": "wrong", "csrf_token": token})
        assert response.status_code == 200
        return time.perf_counter() - start

    timed("bob@example.com"), timed("ghost@example.com")  # warm-up (the dummy hash is made once)
    known, unknown = [], []
    for n in range(7):  # interleaved, and the fastest of each: load on a shared machine only adds time
        known.append(timed("bob@example.com"))
        unknown.append(timed(f"ghost{n}@example.com"))
    assert 0.5 < min(unknown) / min(known) < 2, (known, unknown)


def test_deleted_user_is_signed_out_everywhere_but_the_poll_serves_nothing_new(app, api, users):
    bob = api("bob")
    api("alice").send(users["bob"], "before")
    cursor = bob.poll()["cursor"]
    with app.app_context():
        db.session.delete(db.session.get(User, users["bob"]))
        db.session.commit()
    assert bob.get("/addchat/api/config").status_code == 401
    assert bob.poll(0)["changes"] == []
    assert bob.poll(cursor)["changes"] == []


def test_production_cookies_are_secure_httponly_samesite(tmp_path):
    config = production(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.db'}")
    app = create_app(config)
    with app.app_context():
        ChatBase.metadata.create_all(db.engine)
        user = User(name="Bob", email="bob@example.com")
        user.set_password("pw")
        db.session.add(user)
        db.session.commit()
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 302
    cookies = {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "; Secure" in cookies[name] and "; HttpOnly" in cookies[name], cookies[name]
        assert "SameSite=Lax" in cookies[name], cookies[name]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("email", ["bob@example.com", "nobody@example.com"])
def test_sign_in_failure_answers_the_same_for_known_and_unknown_accounts(app, users, email):
    page = sign_in(app.test_client(), email=email, password="nope").get_data(as_text=True)
    assert "Wrong email or password." in page
