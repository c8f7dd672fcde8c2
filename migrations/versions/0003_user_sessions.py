"""Demo sign-ins as rows, so sign-out revokes session and remember-me cookies

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 13:30:00

"""

from alembic import context, op
import sqlalchemy as sa

import addchat.models


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def demo_site():
    """Tell whether this is the standalone app: a host site's route (`flask addchat db`) has its own users."""
    return not context.config.attributes.get("addchat_host_site")


def upgrade():
    if not demo_site():
        return
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", addchat.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)


def downgrade():
    if not demo_site():
        return
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")
