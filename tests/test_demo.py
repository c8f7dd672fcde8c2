"""The demo host site, the admin switch page, the CLI seed, the OpenAPI document."""

from openapi_spec_validator import validate

from addchat.api.openapi import openapi_document
from addchat.cli import seed_demo
from addchat.models import User
from tests.conftest import count_rows


def _login(client, email, password="demo"):
    """Sign in through the demo form like a person would."""
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    assert "4 created" in runner.invoke(seed_demo).output
    assert "0 created, 4 already there" in runner.invoke(seed_demo).output
    assert count_rows(app, User) == 4


def test_home_needs_login_and_embeds_widget_under_strict_csp(app):
    app.test_cli_runner().invoke(seed_demo)
    client = app.test_client()
    assert client.get("/").status_code == 302
    assert _login(client, "bob@example.com", "wrong").status_code == 200
    assert _login(client, "bob@example.com").status_code == 302
    response = client.get("/")
    assert '<script src="/addchat/widget.js" defer></script>' in response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert client.get("/addchat/widget.js").status_code == 200


def test_demo_pages_declare_an_icon_so_browsers_ask_for_no_favicon(app):
    """Without one the browser fetches /favicon.ico: a 404 in the console of every demo page."""
    page = app.test_client().get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="data:,">' in page


def test_admin_page_only_for_admins(app):
    app.test_cli_runner().invoke(seed_demo)
    admin, member = app.test_client(), app.test_client()
    _login(admin, "alice@example.com")
    _login(member, "bob@example.com")
    page = admin.get("/addchat/admin/")
    assert page.status_code == 200
    assert 'data-value="socketio"' in page.get_data(as_text=True)
    assert member.get("/addchat/admin/").status_code == 403


def test_openapi_document_is_valid_and_covers_every_route(app):
    document = openapi_document()
    validate(document)
    served = app.test_client().get("/addchat/api/openapi.json").get_json()
    assert served == document
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/addchat/api/"):
            continue
        path = rule.rule.removeprefix("/addchat/api").replace("<id:", "{").replace("<", "{").replace(">", "}")
        assert path in document["paths"], f"{rule.rule} is not documented"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], f"{method} {rule.rule} is not documented"
