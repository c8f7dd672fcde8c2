"""WSGI entry point: `app` for gunicorn, flask run and the socket server."""

import os

from addchat import create_app
from config import CONFIGS

app = create_app(CONFIGS[os.environ.get("ADDCHAT_CONFIG", "development")])
