"""The internal transport: nothing to push, widgets short-poll the feed."""

from flask import current_app

from addchat.context import db_session
from addchat.services.settings import live_settings
from addchat.transports.base import Transport


class InternalTransport(Transport):
    """Short polling of GET /addchat/api/poll: the feed row is the delivery."""

    name = "internal"
    summary = (
        "Widgets ask the database every few seconds: news arrives within one poll interval; "
        "costs one small request per open widget per interval; needs nothing but the web server."
    )

    def publish(self, changes, origin=None):
        """Do nothing: the committed feed rows are what the next poll returns."""

    def client_config(self, user):
        """Tell the widget how often to poll: in an open conversation, otherwise (an admin may change
        it: the settings table), and while hidden."""
        cfg = current_app.config
        return {
            "poll_interval_ms": live_settings(db_session(), cfg)["poll_interval_ms"],
            "poll_active_ms": cfg["ADDCHAT_POLL_ACTIVE_MS"],
            "poll_hidden_ms": cfg["ADDCHAT_POLL_HIDDEN_MS"],
        }
