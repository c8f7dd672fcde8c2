"""WSGI entry point: `app` for gunicorn, flask run and the socket server."""

import os

from addchat import create_app

app = create_app(os.environ.get("ADDCHAT_CONFIG", "development"))
