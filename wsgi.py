"""WSGI entry point: `app` for gunicorn, flask run and the socket server."""

import os

from addchat import create_app
from addchat.ops.logs import configure_logging
from config import CONFIGS

app = create_app(CONFIGS[os.environ.get("ADDCHAT_CONFIG", "development")])
configure_logging(app)
