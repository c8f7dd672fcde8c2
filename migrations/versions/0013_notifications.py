"""Notifications, user groups and blocks, email digests (issue 13)

Revision ID: 0013_notify
Revises: 0004
Create Date: 2026-12-01 13:50:00

Follows the feed branch's 0002 (per-user positions).
"""

from alembic import op
import sqlalchemy as sa

import addchat.models


revision = "0013_notify"
down_revision = "0004"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "addchat_notification_sends",
        sa.Column("id", BigId, nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", addchat.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addchat_notification_sends")),
    )
    op.create_table(
        "addchat_notifications",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("read_at", addchat.models.UTCDateTime(), nullable=True),
        sa.Column("created_at", addchat.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "id", name="pk_addchat_notifications"),
    )
    with op.batch_alter_table("addchat_notifications", schema=None) as batch_op:
        batch_op.create_index("ix_addchat_notifications_unread", ["user_id", "read_at"], unique=False)

    op.create_table(
        "addchat_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", addchat.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addchat_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_addchat_groups_name")),
    )
    op.create_table(
        "addchat_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "user_id", name="pk_addchat_group_members"),
    )
    with op.batch_alter_table("addchat_group_members", schema=None) as batch_op:
        batch_op.create_index("ix_addchat_group_members_user", ["user_id", "group_id"], unique=False)
    op.create_table(
        "addchat_group_links",
        sa.Column("low_id", sa.Integer(), nullable=False),
        sa.Column("high_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("low_id", "high_id", name="pk_addchat_group_links"),
    )
    op.create_table(
        "addchat_blocks",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", addchat.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name="pk_addchat_blocks"),
    )
    with op.batch_alter_table("addchat_blocks", schema=None) as batch_op:
        batch_op.create_index("ix_addchat_blocks_blocked", ["blocked_id", "blocker_id"], unique=False)

    op.create_table(
        "addchat_user_prefs",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("email_digests", sa.Boolean(), nullable=False),
        sa.Column("last_active_at", addchat.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_addchat_user_prefs")),
    )
    op.create_table(
        "addchat_digests",
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", addchat.models.UTCDateTime(), nullable=True),
        sa.Column("last_message_id", sa.BigInteger(), nullable=False),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("recipient_id", "sender_id", name="pk_addchat_digests"),
    )


def downgrade():
    op.drop_table("addchat_digests")
    op.drop_table("addchat_user_prefs")
    with op.batch_alter_table("addchat_blocks", schema=None) as batch_op:
        batch_op.drop_index("ix_addchat_blocks_blocked")
    op.drop_table("addchat_blocks")
    op.drop_table("addchat_group_links")
    with op.batch_alter_table("addchat_group_members", schema=None) as batch_op:
        batch_op.drop_index("ix_addchat_group_members_user")
    op.drop_table("addchat_group_members")
    op.drop_table("addchat_groups")
    with op.batch_alter_table("addchat_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_addchat_notifications_unread")
    op.drop_table("addchat_notifications")
    op.drop_table("addchat_notification_sends")
