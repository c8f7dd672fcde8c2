"""The health check: JSON, no sign-in, no database."""

from sqlalchemy import event

from addchat.extensions import db


def test_health_is_ok_without_sign_in_or_database(app):
    statements = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = app.test_client().get("/addchat/health")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert response.get_json() == {"ok": True}
    assert statements == []
