"""Tables of the notifications feature: one row per recipient, and the send that issued its id."""

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from addchat.models import BigId, ChatBase, UTCDateTime, utcnow


class NotificationSend(ChatBase):
    """One call of notify(): its id is the id of every notification it wrote, one per recipient.

    One id shared by all recipients lets a single feed change (the same data for everyone)
    name the notification each widget may then mark read or delete.
    """

    __tablename__ = "addchat_notification_sends"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(ChatBase):
    """A notification for one user; (user_id, id) identifies it, id being its send's id."""

    __tablename__ = "addchat_notifications"
    __table_args__ = (
        # The list pages newest first by (user_id, id); the key is that index.
        PrimaryKeyConstraint("user_id", "id", name="pk_addchat_notifications"),
        # The unread count: this user's rows with no read_at.
        Index("ix_addchat_notifications_unread", "user_id", "read_at"),
    )

    user_id: Mapped[int] = mapped_column(Integer)
    id: Mapped[int] = mapped_column(BigInteger, autoincrement=False)
    type: Mapped[str] = mapped_column(String(64))
    # The host's JSON object, stored as text so that every database reads it the same way.
    data: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
