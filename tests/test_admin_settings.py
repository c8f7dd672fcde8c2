"""Run-time settings in the settings table: checked whole, used by the config endpoint and the send limit."""

import pytest

from addchat.models import Change, Setting
from tests.conftest import count_rows

GOOD = {
    "poll_interval_ms": 1500,
    "max_body_length": 20,
    "widget_title": "  Talk to us ",
    "widget_color": "#AA3300",
}


def test_admin_changes_settings_and_widgets_follow_without_a_restart(app, api):
    alice, bob = api("alice"), api("bob")
    cursor = bob.poll()["cursor"]
    response = alice.post("/addchat/api/settings", json=GOOD)
    assert response.status_code == 200, response.get_json()
    stored = {k: v for k, v in response.get_json().items() if k in GOOD}
    assert stored == {**GOOD, "widget_title": "Talk to us", "widget_color": "#aa3300"}
    # Every widget hears of it through the feed and re-reads its config.
    (change,) = bob.poll(cursor)["changes"]
    assert change["type"] == "config" and change["data"]["poll_interval_ms"] == 1500
    config = bob.get("/addchat/api/config").get_json()
    assert config["poll_interval_ms"] == 1500 and config["max_body_length"] == 20
    assert config["widget"] == {"title": "Talk to us", "color": "#aa3300"}
    # The stored limit is the one sends obey.
    assert bob.send(1, "x" * 20).status_code == 201
    too_long = bob.send(1, "x" * 21)
    assert too_long.status_code == 413
    # Saving the same values again changes nothing and tells nobody.
    cursor = bob.poll()["cursor"]
    assert alice.post("/addchat/api/settings", json=GOOD).status_code == 200
    assert bob.poll(cursor)["changes"] == []


def test_defaults_come_from_config_until_an_admin_stores_values(app, api):
    config = api("bob").get("/addchat/api/config").get_json()
    assert config["poll_interval_ms"] == app.config["ADDCHAT_POLL_INTERVAL_MS"]
    assert config["max_body_length"] == app.config["ADDCHAT_MAX_BODY_LENGTH"]
    assert config["widget"] == {"title": "", "color": ""}
    assert config["transport"]["poll_interval_ms"] == app.config["ADDCHAT_POLL_INTERVAL_MS"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"poll_interval_ms": 100}, "invalid_poll_interval_ms"),
        ({"poll_interval_ms": "3000"}, "invalid_poll_interval_ms"),
        ({"poll_interval_ms": True}, "invalid_poll_interval_ms"),
        ({"max_body_length": 0}, "invalid_max_body_length"),
        ({"max_body_length": 10_001}, "invalid_max_body_length"),
        ({"widget_title": "x" * 41}, "invalid_widget_title"),
        ({"widget_title": "two\nlines"}, "invalid_widget_title"),
        ({"widget_title": 7}, "invalid_widget_title"),
        ({"widget_color": "red"}, "invalid_widget_color"),
        ({"widget_color": "#12345"}, "invalid_widget_color"),
        ({"notification_type": "carrier-pigeon"}, "invalid_notification_type"),
        ({"theme": "dark"}, "unknown_field"),  # as every endpoint answers an undocumented field
        ({}, "invalid_json"),
        # One bad value refuses the whole change: the good one is not stored either.
        ({"poll_interval_ms": 2000, "widget_color": "blue"}, "invalid_widget_color"),
    ],
)
def test_bad_settings_answer_400_and_write_nothing(app, api, change, code):
    before = count_rows(app, Change)
    response = api("alice").post("/addchat/api/settings", json=change)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert count_rows(app, Setting) == 0 and count_rows(app, Change) == before


def test_a_json_array_or_text_is_refused(app, api):
    alice = api("alice")
    assert alice.post("/addchat/api/settings", json=[1]).status_code == 400
    text = alice.post(
        "/addchat/api/settings", data="poll_interval_ms=1", headers={"Content-Type": "text/plain"}
    )
    assert text.status_code == 400 and text.get_json()["error"]["code"] == "invalid_json"
    assert count_rows(app, Setting) == 0


def test_only_admins_see_or_change_settings(app, api):
    assert api("bob").post("/addchat/api/settings", json={"poll_interval_ms": 2000}).status_code == 403
    assert api("bob").get("/addchat/api/settings").status_code == 403
    assert api().post("/addchat/api/settings", json={"poll_interval_ms": 2000}).status_code == 401
    assert count_rows(app, Setting) == 0


def test_admin_page_shows_the_stored_settings_in_its_form(app, api):
    alice = api("alice")
    alice.post("/addchat/api/settings", json={"widget_title": "Help desk", "poll_interval_ms": 2500})
    html = alice.get("/addchat/admin/").get_data(as_text=True)
    assert 'name="widget_title" type="text" maxlength="40" value="Help desk"' in html
    assert 'name="poll_interval_ms" type="number" min="500" max="60000" step="100" value="2500"' in html
