"""The interface every transport implements; nothing else knows which one is live."""


class Transport:
    """Carries committed feed changes to users' widgets and says how widgets connect."""

    name = "base"
    # One line for the admin page: what this mode gives, its latency, what it costs, what it needs.
    summary = ""

    def init_app(self, app):
        """Bind to the app at start-up: clients, and this transport's own blueprints, handlers, commands."""

    def publish(self, changes, origin=None):
        """Deliver committed FeedChanges to their users; may fail, the feed stays the truth.

        `origin` is the connection id of the client that caused the changes (pusher's
        socket_id, sent as X-Socket-Id); a transport that can skip that connection does.
        """
        raise NotImplementedError

    def unreachable_reason(self, config):
        """Say why a process outside the web server (the CLI) cannot push through this transport, or None."""
        return None

    def unavailable_reason(self, environ):
        """Say why an admin cannot switch to this transport now (its server is missing), or None.

        `environ` is the WSGI environ of the admin's request: it shows what this process's server can do.
        """
        return None

    def live_stats(self):
        """Return the dashboard's aggregates of this transport's connections (never a message)."""
        return {}

    def client_config(self, user):
        """Return what the widget needs to connect for this user (no secrets)."""
        return {}
