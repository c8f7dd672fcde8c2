"""Message edits and replies: edited_at and reply_to_id on addchat_messages

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 14:00:00

"""

from alembic import op
import sqlalchemy as sa

import addchat.models


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("addchat_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_at", addchat.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("reply_to_id", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("addchat_messages", schema=None) as batch_op:
        batch_op.drop_column("reply_to_id")
        batch_op.drop_column("edited_at")
