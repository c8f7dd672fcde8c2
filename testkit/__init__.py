"""Helpers shared by the test suite and the benchmarks: throwaway databases, SQL counting."""

import uuid

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url


def throwaway_database(base_url, prefix="addchat_test"):
    """Create an empty database on the server of base_url; return (its URL, a function dropping it)."""
    url = make_url(base_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))

    def drop():
        force = " WITH (FORCE)" if url.get_backend_name() == "postgresql" else ""
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def record_statements(engine, action):
    """Run action() and return (every SQL statement it sent through engine, its result)."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        result = action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements, result


def free_port():
    """Ask the kernel for a free port on 127.0.0.1."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sign_in(client, user_id):
    """Sign a Flask test client in as a user, as Flask-Login's session would."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True


def api_credentials(app, user_id):
    """Return (session cookie, CSRF token) a widget of this user would send."""
    client = app.test_client()
    sign_in(client, user_id)
    token = client.get("/addchat/api/config").get_json()["csrf_token"]
    return client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session")).value, token
