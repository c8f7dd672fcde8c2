"""Initial chat schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 05:27:00.070559

"""

from alembic import context, op
import sqlalchemy as sa

import addchat.models


# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def demo_site():
    """Tell whether this is the standalone app: a host site's route (`flask addchat db`) has its own users."""
    return not context.config.attributes.get("addchat_host_site")


def upgrade():
    op.create_table(
        "addchat_changes",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", addchat.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addchat_changes")),
    )
    with op.batch_alter_table("addchat_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_addchat_changes_user_seq", ["user_id", "seq"], unique=False
        )

    op.create_table(
        "addchat_feed_sequence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addchat_feed_sequence")),
    )
    # The one row whose lock orders feed positions (addchat/feed.py).
    feed_sequence = sa.table(
        "addchat_feed_sequence",
        sa.column("id", sa.Integer()),
        sa.column("last", sa.BigInteger()),
    )
    op.bulk_insert(feed_sequence, [{"id": 1, "last": 0}])
    op.create_table(
        "addchat_messages",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", addchat.models.UTCDateTime(), nullable=False),
        sa.Column("seen_at", addchat.models.UTCDateTime(), nullable=True),
        sa.Column("deleted_at", addchat.models.UTCDateTime(), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addchat_messages")),
        sa.UniqueConstraint(
            "sender_id", "client_id", name="uq_addchat_messages_sender_client"
        ),
    )
    with op.batch_alter_table("addchat_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_addchat_messages_pair",
            ["sender_id", "recipient_id", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_addchat_messages_unread",
            ["recipient_id", "seen_at", "sender_id"],
            unique=False,
        )

    op.create_table(
        "addchat_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", addchat.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_addchat_settings")),
    )
    if not demo_site():
        return
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("avatar", sa.String(length=500), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", addchat.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )


def downgrade():
    if demo_site():
        op.drop_table("users")
    op.drop_table("addchat_settings")
    with op.batch_alter_table("addchat_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_addchat_messages_unread")
        batch_op.drop_index("ix_addchat_messages_pair")

    op.drop_table("addchat_messages")
    op.drop_table("addchat_feed_sequence")
    with op.batch_alter_table("addchat_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_addchat_changes_user_seq")

    op.drop_table("addchat_changes")
