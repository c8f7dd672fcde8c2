"""Unbound Flask extensions, bound to an app in `create_app` / `AddChat.init_app`."""

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from addchat.models import ChatBase
from addchat.ratelimit import rate_limit_key

# The database; models share ChatBase so migrations see one metadata with stable constraint names.
db = SQLAlchemy(model_class=ChatBase, session_options={"expire_on_commit": False})
# Alembic migrations in the top-level migrations/ folder.
migrate = Migrate()
# Session sign-in for the standalone demo site (host sites bring their own).
login_manager = LoginManager()
# WebSocket push for the socketio transport.
socketio = SocketIO()
# CSRF tokens on every state-changing request; the widget sends X-CSRFToken.
csrf = CSRFProtect()
# Per-user rate limits on sending and polling.
limiter = Limiter(key_func=rate_limit_key)
