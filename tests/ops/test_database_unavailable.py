"""A database that cannot be reached answers 503 database_unavailable with a Retry-After, not 500."""

from addchat import create_app
from testkit import free_port


def sign_in(client, user_id):
    """Carry a signed-in session as a browser would (no database to record the sign-in in)."""
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:token-from-before-the-outage"


def unreachable_app(**overrides):
    """An app on a PostgreSQL port nobody listens on (connection refused at once)."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none?connect_timeout=2"
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **overrides})


def test_api_answers_503_json_with_retry_after():
    app = unreachable_app(ADDCHAT_DB_RETRY_AFTER=7)
    client = app.test_client()
    sign_in(client, 1)
    for path in ("/addchat/api/poll?cursor=0", "/addchat/api/config", "/addchat/api/contacts"):
        response = client.get(path)
        assert response.status_code == 503, (path, response.data)
        assert response.get_json()["error"]["code"] == "database_unavailable"
        assert response.headers["Retry-After"] == "7"


def test_the_rate_limiter_does_not_stretch_the_retry_after():
    # The poll is rate limited (a 60 s window): Flask-Limiter would widen Retry-After to it.
    app = unreachable_app(ADDCHAT_POLL_RATE_LIMIT="5/hour")
    client = app.test_client()
    sign_in(client, 1)
    response = client.get("/addchat/api/poll?cursor=0")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


def test_healthz_stays_up_while_the_database_is_down():
    response = unreachable_app().test_client().get("/addchat/healthz")
    assert response.status_code == 200
