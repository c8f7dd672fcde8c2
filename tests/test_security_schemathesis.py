"""Schemathesis against /addchat/api/openapi.json: the document says exactly what the server accepts.

Every operation gets generated requests (valid and invalid) from a signed-in admin with the CSRF
header, bounded to MAX_EXAMPLES each (the module runs in well under a minute), and every answer
must pass schemathesis's checks: no server error, a documented status, the documented content
type and response schema, valid input accepted and invalid input refused.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from addchat.extensions import db
from addchat.models import ChatBase, User
from testkit import api_credentials
from tests.conftest import make_test_app

MAX_EXAMPLES = 25
# Invalid input is refused with 400, or 413 for a message body over ADDCHAT_MAX_BODY_LENGTH
# (the README's contract); schemathesis's default list of rejections lacks 413.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
            }
        }
    }
)

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module")
def signed_in_app(tmp_path_factory):
    """An app with three people and a conversation, and Alice's (admin) cookie and CSRF token."""
    path = tmp_path_factory.mktemp("schemathesis") / "chat.db"
    app = make_test_app(
        f"sqlite:///{path}",
        ADDCHAT_SEND_RATE_LIMIT="100000/minute",
        ADDCHAT_POLL_RATE_LIMIT="100000/minute",
        PUSHER_TIMEOUT=1,
    )
    with app.app_context():
        for name, admin in (("Alice", True), ("Bob", False), ("Carol", False)):
            user = User(name=name, email=f"{name.lower()}@example.com", is_admin=admin)
            user.set_password("pw")
            db.session.add(user)
        db.session.commit()
    cookie, token = api_credentials(app, 1)
    yield app, cookie, token
    with app.app_context():
        db.session.remove()
        ChatBase.metadata.drop_all(db.engine)
        db.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(signed_in_app):
    """The served OpenAPI document, loaded from the app itself (WSGI, no network), signed in.

    The session cookie and CSRF header go in through schemathesis's auth hook, so its own
    checks can also send each request without them (and expect 401).
    """
    app, cookie, token = signed_in_app
    api_schema = schemathesis.openapi.from_wsgi("/addchat/api/openapi.json", app, config=CONFIG)

    @api_schema.auth()
    class SignedInWidget:
        """What a signed-in widget sends: the session cookie and the X-CSRFToken header."""

        def get(self, case, context):
            return {"cookie": cookie, "token": token}

        def set(self, case, data, context):
            case.cookies = {**(case.cookies or {}), "session": data["cookie"]}
            case.headers = {**(case.headers or {}), "X-CSRFToken": data["token"]}

    return api_schema


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_document(case):
    case.call_and_validate()
