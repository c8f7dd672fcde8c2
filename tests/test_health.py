"""The health check: JSON, no sign-in, no database."""

from addchat.extensions import db
from testkit import record_statements


def test_health_is_ok_without_sign_in_or_database(app):
    with app.app_context():
        engine = db.engine
    statements, response = record_statements(engine, lambda: app.test_client().get("/addchat/health"))
    assert response.status_code == 200
    assert response.get_json() == {"ok": True}
    assert statements == []
