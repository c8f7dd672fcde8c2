"""Feed positions per user instead of one global counter

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 13:30:00

Existing rows keep their seq: they are still in order within each user's feed, so the cursor of
every open widget stays valid. Each user's counter (and the guard row 0, where users without a
row start) begins at the old global counter, so every new position is above every old cursor.
Changes addressed to everyone (user 0) stay as they are, unread by the new poll; the newest one
of each kind (a config change carries the whole setting, so a later one supersedes the earlier)
is copied to every user with a feed row at its old seq, so a widget behind it still receives it.
Downgrade: those copies go, the global counter comes back at the highest seq in use.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEX = "ix_addchat_changes_user_seq"


def upgrade():
    op.create_table(
        "addchat_feed_positions",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_addchat_feed_positions")),
    )
    op.execute(
        "INSERT INTO addchat_feed_positions (user_id, last_seq) "
        "SELECT 0, COALESCE(MAX(last), 0) FROM addchat_feed_sequence"
    )
    op.execute(
        "INSERT INTO addchat_feed_positions (user_id, last_seq) "
        "SELECT DISTINCT c.user_id, p.last_seq FROM addchat_changes c, addchat_feed_positions p "
        "WHERE p.user_id = 0 AND c.user_id <> 0"
    )
    # The newest change for everyone of each kind, copied to each user at its old position.
    op.execute(
        "INSERT INTO addchat_changes (seq, user_id, kind, payload, created_at) "
        "SELECT c.seq, p.user_id, c.kind, c.payload, c.created_at "
        "FROM addchat_changes c, addchat_feed_positions p "
        "WHERE c.user_id = 0 AND p.user_id <> 0 AND c.seq = "
        "(SELECT MAX(n.seq) FROM addchat_changes n WHERE n.user_id = 0 AND n.kind = c.kind)"
    )
    with op.batch_alter_table("addchat_changes", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.create_index(INDEX, ["user_id", "seq"], unique=True)
    op.drop_table("addchat_feed_sequence")


def downgrade():
    op.create_table(
        "addchat_feed_sequence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addchat_feed_sequence")),
    )
    # Above every position in use, so the old single counter orders what comes next.
    op.execute(
        "INSERT INTO addchat_feed_sequence (id, last) "
        "SELECT 1, COALESCE(MAX(last_seq), 0) FROM addchat_feed_positions"
    )
    with op.batch_alter_table("addchat_changes", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.create_index(INDEX, ["user_id", "seq"], unique=False)
    # Copies of a change for everyone sit at its seq; the old poll reads the original (user 0).
    # MariaDB cannot delete from a table its subquery reads, hence the derived table.
    op.execute(
        "DELETE FROM addchat_changes WHERE user_id <> 0 AND seq IN "
        "(SELECT seq FROM (SELECT seq FROM addchat_changes WHERE user_id = 0) AS everyone)"
    )
    op.drop_table("addchat_feed_positions")
