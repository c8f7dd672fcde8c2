"""Run-time settings stored in the database, so an admin switch needs no restart."""

from sqlalchemy import select

from addchat import feed
from addchat.context import notification_types
from addchat.models import Setting
from addchat.services.errors import InvalidInput


def get_setting(session, key, default=None):
    """Read one stored setting, or the default when none is stored."""
    value = session.execute(select(Setting.value).where(Setting.key == key)).scalar()
    return default if value is None else value


def notification_type(session, default):
    """Return the live notification_type."""
    return get_setting(session, "notification_type", default)


def set_notification_type(session, value, default):
    """Store a new notification_type and tell every widget through the feed; return changes."""
    choices = notification_types()
    if value not in choices:
        raise InvalidInput(
            f"'notification_type' must be one of {', '.join(choices)}.",
            code="invalid_notification_type",
        )
    previous = notification_type(session, default)
    if value == previous:
        return previous, []
    setting = session.get(Setting, "notification_type")
    if setting is None:
        session.add(Setting(key="notification_type", value=value))
    else:
        setting.value = value
    changes = feed.record(session, "config", {"notification_type": value}, [feed.EVERYONE])
    session.commit()
    return previous, changes
