"""When the host deletes a user, AddChat forgets that user's feed in the same transaction.

The poll must stay one SELECT on the feed, with no join and no look-up of the user (README, How
it works), so it cannot ask whether the user still exists. Instead the deletion itself removes
every feed row addressed to the user: a session cookie of a deleted user then polls an empty
feed (changes addressed to everyone, such as a notification_type switch, excepted), while every
other endpoint and every socket already refuse it, since Flask-Login finds no user. The messages
stay, as the other side's history. Only ORM deletes (`session.delete(user)`) fire the hook; a
host deleting users with a bulk `DELETE` calls `forget_user_feed` itself.
"""

from sqlalchemy import delete, event

from addchat.models import Change


def forget_user_feed(connection, user_id):
    """Delete the feed rows addressed to one user (a Connection or Session, inside its transaction)."""
    connection.execute(delete(Change).where(Change.user_id == user_id))


def _after_delete(mapper, connection, target):
    """ORM hook: the user row is going in this flush; its feed goes with it."""
    forget_user_feed(connection, target.id)


def watch_user_model(model):
    """Hook the host's user model once, whichever app registers it first."""
    if not event.contains(model, "after_delete", _after_delete):
        event.listen(model, "after_delete", _after_delete)
