"""Tables of email digests: each user's choice and last sign of an open widget, and per conversation
the last digest sent (the row a sweep claims with a conditional UPDATE)."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from addchat.models import ChatBase, UTCDateTime


class UserPrefs(ChatBase):
    """A user's email choice, and when an open widget last said so (its activity heartbeat)."""

    __tablename__ = "addchat_user_prefs"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    email_digests: Mapped[bool] = mapped_column(Boolean, default=True)
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Digest(ChatBase):
    """The last digest of one conversation (recipient, sender): when, and up to which message."""

    __tablename__ = "addchat_digests"
    __table_args__ = (PrimaryKeyConstraint("recipient_id", "sender_id", name="pk_addchat_digests"),)

    recipient_id: Mapped[int] = mapped_column(Integer)
    sender_id: Mapped[int] = mapped_column(Integer)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_message_id: Mapped[int] = mapped_column(BigInteger, default=0)
    # Which sweep claimed it last (a random token): for the logs of several processes.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
