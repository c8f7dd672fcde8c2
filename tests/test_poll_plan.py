"""On PostgreSQL with a million feed rows, every poll is an index lookup, never a Seq Scan."""

import pytest
from sqlalchemy import text

from addchat.extensions import db
from testkit.poll_plan import INDEX, captured_poll, explain, fill


def test_poll_plan_uses_the_index_on_a_million_rows(app, backend):
    if backend != "postgres":
        pytest.skip("the plan is checked on PostgreSQL")
    with app.app_context():
        fill(rows=1_000_000, users=10_000)
        seqs = db.session.scalars(
            text("SELECT seq FROM addchat_changes WHERE user_id IN (42, 0) ORDER BY seq")
        ).all()
        limit = app.config["ADDCHAT_POLL_BATCH"]
        for cursor in (seqs[-1], seqs[-4], 0):
            plan = "\n".join(explain(*captured_poll(42, cursor, limit)))
            print(plan)
            assert INDEX in plan
            assert "Seq Scan" not in plan
