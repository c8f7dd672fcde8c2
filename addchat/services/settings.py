"""Run-time settings stored in the database (addchat_settings), so an admin's change needs no restart.

`notification_type` picks the transport; the others are what an admin expects to tune live: how often
internal-mode widgets poll, the longest message, the widget's title and colour. Each falls back to
its config default (ADDCHAT_*) until an admin stores a value. A change is checked whole (a bad value
writes nothing), stored, and announced to every widget as a `config` change in the feed, in one
transaction: widgets re-read their config through it.
"""

import re

from sqlalchemy import select

from addchat import feed
from addchat.context import notification_types
from addchat.models import Setting
from addchat.services.errors import Conflict, InvalidInput

HEX_COLOR = re.compile(r"\A#[0-9a-fA-F]{6}\Z")
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def _whole_number(minimum, maximum):
    """Make a check that a value is an integer in range (booleans are not numbers; 7.0 is 7, as in JSON)."""

    def check(key, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise InvalidInput(
                f"'{key}' must be an integer from {minimum} to {maximum}.", code=f"invalid_{key}"
            )
        return value

    return check


def _title(key, value):
    """Check a widget title: a short line of text ('' keeps the widget's own, translated title)."""
    if not isinstance(value, str) or len(value) > 40 or CONTROL_CHARS.search(value):
        raise InvalidInput(
            f"'{key}' must be text of at most 40 characters, on one line.", code=f"invalid_{key}"
        )
    return value.strip()


def _color(key, value):
    """Check a colour as #rrggbb ('' keeps the widget's own theme colour)."""
    if not isinstance(value, str) or (value and not HEX_COLOR.match(value)):
        raise InvalidInput(f"'{key}' must be a colour like #0b57d0 (or empty).", code=f"invalid_{key}")
    return value.lower()


# Setting -> (config key of its default, check, how it is stored as text and read back).
EDITABLE = {
    "poll_interval_ms": ("ADDCHAT_POLL_INTERVAL_MS", _whole_number(500, 60_000), int),
    # At most 10,000 characters: even escaped as \uXXXX a body stays under MAX_CONTENT_LENGTH (64 KiB).
    "max_body_length": ("ADDCHAT_MAX_BODY_LENGTH", _whole_number(1, 10_000), int),
    "widget_title": ("ADDCHAT_WIDGET_TITLE", _title, str),
    "widget_color": ("ADDCHAT_WIDGET_COLOR", _color, str),
}


def get_setting(session, key, default=None):
    """Read one stored setting, or the default when none is stored."""
    value = session.execute(select(Setting.value).where(Setting.key == key)).scalar()
    return default if value is None else value


def notification_type(session, default):
    """Return the live notification_type."""
    return get_setting(session, "notification_type", default)


def live_settings(session, config):
    """Return every run-time setting: the stored value, else its config default (one query)."""
    stored = dict(session.execute(select(Setting.key, Setting.value)).all())
    values = {
        "notification_type": stored.get("notification_type", config["ADDCHAT_DEFAULT_NOTIFICATION_TYPE"])
    }
    for key, (config_key, _, read) in EDITABLE.items():
        values[key] = read(stored[key]) if key in stored else config[config_key]
    return values


def checked_changes(values):
    """Check a settings change whole, before anything is written; return the checked values."""
    if not isinstance(values, dict) or not values:
        raise InvalidInput("Send a JSON object with the settings to change.", code="invalid_json")
    unknown = sorted(set(values) - set(EDITABLE) - {"notification_type"})
    if unknown:
        allowed = ", ".join(["notification_type", *EDITABLE])
        raise InvalidInput(f"Unknown setting '{unknown[0]}'; settings are {allowed}.", code="unknown_setting")
    checked = {}
    if "notification_type" in values:
        choices = notification_types()
        if values["notification_type"] not in choices:
            raise InvalidInput(
                f"'notification_type' must be one of {', '.join(choices)}.", code="invalid_notification_type"
            )
        checked["notification_type"] = values["notification_type"]
    for key, (_, check, _) in EDITABLE.items():
        if key in values:
            checked[key] = check(key, values[key])
    return checked


def update_settings(session, values, config, unavailable_reason):
    """Store a settings change and tell every widget through the feed; return (previous, new, changes).

    `unavailable_reason(name)` says why a notification_type cannot be chosen now (no Pusher server,
    no WebSocket-capable server), or None: switching to such a type is refused with 409.
    """
    checked = checked_changes(values)
    previous = live_settings(session, config)
    wanted = {key: value for key, value in checked.items() if previous[key] != value}
    if "notification_type" in wanted:
        reason = unavailable_reason(wanted["notification_type"])
        if reason:
            raise Conflict(reason, code="transport_unavailable")
    if not wanted:
        return previous, previous, []
    for key, value in wanted.items():
        setting = session.get(Setting, key)
        if setting is None:
            session.add(Setting(key=key, value=str(value)))
        else:
            setting.value = str(value)
    changes = feed.record(session, "config", wanted, [feed.EVERYONE])
    session.commit()
    return previous, {**previous, **wanted}, changes
