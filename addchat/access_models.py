"""Tables of who may chat with whom: admin-defined groups, the links between them, user blocks."""

from datetime import datetime

from sqlalchemy import Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from addchat.models import ChatBase, UTCDateTime, utcnow


class Group(ChatBase):
    """A group of users an admin defined; members of one group may always chat with each other."""

    __tablename__ = "addchat_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GroupMember(ChatBase):
    """A user's membership of a group."""

    __tablename__ = "addchat_group_members"
    __table_args__ = (
        PrimaryKeyConstraint("group_id", "user_id", name="pk_addchat_group_members"),
        # A user's groups, asked on every permission check.
        Index("ix_addchat_group_members_user", "user_id", "group_id"),
    )

    group_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(Integer)


class GroupLink(ChatBase):
    """Members of these two groups may chat with each other (stored once, lower id first)."""

    __tablename__ = "addchat_group_links"
    __table_args__ = (PrimaryKeyConstraint("low_id", "high_id", name="pk_addchat_group_links"),)

    low_id: Mapped[int] = mapped_column(Integer)
    high_id: Mapped[int] = mapped_column(Integer)


class Block(ChatBase):
    """One user blocked another: neither may then chat with, see typing or presence of the other."""

    __tablename__ = "addchat_blocks"
    __table_args__ = (
        PrimaryKeyConstraint("blocker_id", "blocked_id", name="pk_addchat_blocks"),
        # "Did anyone block me?" as well as "whom did I block?".
        Index("ix_addchat_blocks_blocked", "blocked_id", "blocker_id"),
    )

    blocker_id: Mapped[int] = mapped_column(Integer)
    blocked_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
