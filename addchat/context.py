"""What every room of AddChat reads at request time: the app's AddChat state, its db, its transports.

This module imports nothing of AddChat's own, so any module may import it without a cycle.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

PACKAGE_DIR = Path(__file__).resolve().parent
# Where static/, templates/ and migrations/ are: inside the package when installed from the wheel
# (the build maps the repository's top-level folders there), at the top of a checkout otherwise.
IN_CHECKOUT = not (PACKAGE_DIR / "templates").is_dir()
RESOURCES = PACKAGE_DIR.parent if IN_CHECKOUT else PACKAGE_DIR


def everyone_can_chat(user, peer):
    """Default policy: every signed-in user may chat with every other user."""
    return True


@dataclass
class AddChatState:
    """What AddChat keeps per app, in app.extensions["addchat"]."""

    user_model: Any
    db: Any
    can_chat: Callable = everyone_can_chat
    admin_check: Callable | None = None
    # notification_type -> bound transport, in the registry's order (addchat.transports).
    transports: dict = field(default_factory=dict)
    # URL prefixes whose errors answer in JSON (errors.register_json_blueprint fills it).
    json_prefixes: list = field(default_factory=list)
    # The dashboard's counters (addchat.stats): in Redis, or in this process's memory.
    counters: Any = None
    # The host's own handler of HTTPException, if it had one: AddChat's defers to it off its paths.
    host_http_error_handler: Callable | None = None


def state():
    """Return the AddChat state of the current app."""
    return current_app.extensions["addchat"]


def db_session():
    """Return the database session AddChat works in (the host's, when it passed its db)."""
    return state().db.session


def db_engine():
    """Return the engine AddChat reads through when it needs no ORM session (the poll)."""
    return state().db.engine


def transport_for(name):
    """Return this app's transport of that notification_type."""
    return state().transports[name]


def notification_types():
    """Return the notification_types this app offers, in the registry's order."""
    return tuple(state().transports)
