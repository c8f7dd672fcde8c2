"""Hand committed feed changes to the live transport; failures never lose a change."""

import logging

from flask import current_app

from addchat import stats
from addchat.context import transport_for
from addchat.services.settings import notification_type

log = logging.getLogger(__name__)


def live_notification_type(session):
    """Read the live notification_type from the settings table."""
    return notification_type(session, current_app.config["ADDCHAT_DEFAULT_NOTIFICATION_TYPE"])


def notify(session, changes, via=None, origin=None):
    """Publish committed changes through the given transports (default: the live one).

    `origin` names the connection that caused them (pusher's socket_id), so a transport
    can spare that tab its own echo; the request's other tabs still receive them.
    """
    if not changes:
        return
    names = via or (live_notification_type(session),)
    for name in dict.fromkeys(names):
        try:
            transport_for(name).publish(changes, origin=origin)
        except Exception as error:
            # The change is committed in the feed: clients catch up through their cursor.
            log.exception("Publishing %d change(s) through %s failed", len(changes), name)
            stats.push_failed(name, error)
