"""The internal transport: nothing to push, widgets short-poll the feed."""

from flask import current_app

from addchat.transports.base import Transport


class InternalTransport(Transport):
    """Short polling of GET /addchat/api/poll: the feed row is the delivery."""

    name = "internal"
    summary = "Widgets poll the database every few seconds: no extra server, a request per widget per poll."

    def publish(self, changes, origin=None):
        """Do nothing: the committed feed rows are what the next poll returns."""

    def client_config(self, user):
        """Tell the widget how often to poll: in an open conversation, otherwise, and while hidden."""
        cfg = current_app.config
        return {
            "poll_interval_ms": cfg["ADDCHAT_POLL_INTERVAL_MS"],
            "poll_active_ms": cfg["ADDCHAT_POLL_ACTIVE_MS"],
            "poll_hidden_ms": cfg["ADDCHAT_POLL_HIDDEN_MS"],
        }
