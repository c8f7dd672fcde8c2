"""Tables: the standalone site's users, messages, the change feed, its positions, settings."""

from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

# Stable constraint names, so Alembic migrations are the same on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# 64-bit ids where the database has them; SQLite only auto-increments INTEGER.
BigId = BigInteger().with_variant(Integer, "sqlite")


def utcnow():
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(DateTime):
    """DateTime stored naive-UTC everywhere and returned aware, so JSON always says Z."""

    cache_ok = True

    def __init__(self):
        super().__init__(timezone=False)

    def bind_processor(self, dialect):
        """Store aware datetimes as naive UTC."""

        def process(value):
            if value is not None and value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            return value

        return process

    def result_processor(self, dialect, coltype):
        """Read naive UTC back as aware UTC (SQLite returns strings, handled by the base)."""
        base = super().result_processor(dialect, coltype)

        def process(value):
            if base is not None:
                value = base(value)
            if value is not None and value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            return value

        return process


class ChatBase(DeclarativeBase):
    """Declarative base of every AddChat table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(UserMixin, ChatBase):
    """A user of the standalone demo site; host sites pass their own model to AddChat."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    avatar: Mapped[str | None] = mapped_column(String(500))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def set_password(self, password):
        """Store a salted hash, never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        """Compare a password with the stored hash."""
        return check_password_hash(self.password_hash, password)


class Message(ChatBase):
    """One chat message between two users; never hard-deleted."""

    __tablename__ = "addchat_messages"
    __table_args__ = (
        # History of a pair, newest first: (sender, recipient, id) both ways.
        Index("ix_addchat_messages_pair", "sender_id", "recipient_id", "id"),
        # Unread counts: unseen messages to a recipient, grouped by sender.
        Index("ix_addchat_messages_unread", "recipient_id", "seen_at", "sender_id"),
        # A widget's retry of the same send finds the stored message instead of duplicating it.
        UniqueConstraint("sender_id", "client_id", name="uq_addchat_messages_sender_client"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sender_id: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Position of the change that created the message in the recipient's feed.
    seq: Mapped[int] = mapped_column(BigInteger)


class Change(ChatBase):
    """One entry of the change feed, addressed to one user at a position of that user's feed."""

    __tablename__ = "addchat_changes"
    __table_args__ = (
        # The poll's only read: one range of this user's changes after a cursor, already in order.
        # Unique: a position is given once, so a broken ordering fails loudly instead of repeating.
        Index("ix_addchat_changes_user_seq", "user_id", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    # The change's JSON, stored whole so that a poll needs no join.
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FeedPosition(ChatBase):
    """A user's last feed position; its row lock orders that user's changes (see addchat/feed.py).

    Row 0 is the guard: new rows copy its last_seq as their start and are only created under its
    shared lock, which a change for everyone takes exclusively.
    """

    __tablename__ = "addchat_feed_positions"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class Setting(ChatBase):
    """A run-time setting an admin can change without a restart (notification_type)."""

    __tablename__ = "addchat_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


@event.listens_for(FeedPosition.__table__, "after_create")
def _seed_feed_guard(table, connection, **kwargs):
    """Give create_all databases the guard row the migration inserts."""
    connection.execute(table.insert().values(user_id=0, last_seq=0))
