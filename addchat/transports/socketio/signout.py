"""Signing out closes that browser session's sockets, in every server process.

Each browser session carries a random id in the Flask session, set at sign-in (Flask-Login's
`user_logged_in`) or at its first AddChat request when it was signed in before. Every connection
records that id in the presence store. On `user_logged_out` (the demo's POST /logout, or any host
site's `logout_user()`) the store hands back the session's connections, which are disconnected
through Socket.IO (across processes via the message queue), and keeps the id as signed out for as
long as a session cookie stays valid, so a copy of the old cookie cannot open a new socket.
Other sessions of the same user (other browsers, devices) are not touched.
"""

import secrets

from flask import current_app, request, session
from flask_login import user_logged_in, user_logged_out

from addchat.transports.socketio.push import disconnect_connections

SESSION_KEY = "_addchat_session"


def browser_session_id():
    """Return the current browser session's AddChat id, or None."""
    return session.get(SESSION_KEY)


def new_session_id(sender=None, **extra):
    """Give the browser session a fresh id (at every sign-in, so ids never carry over)."""
    session[SESSION_KEY] = secrets.token_urlsafe(16)


def ensure_session_id():
    """Give a session signed in before AddChat knew about it an id, on its first AddChat request.

    Reads Flask-Login's `_user_id` from the session, never `current_user`: loading the user here
    would take a pool connection for the poll and the health check, which need none of their own.
    A remember-me sign-in gets `_user_id` when a view loads the user, and its id on the next request.
    """
    if request.path.startswith("/addchat/") and SESSION_KEY not in session and session.get("_user_id"):
        new_session_id()


def close_session_sockets(sender=None, **extra):
    """Disconnect the signing-out browser session's sockets and refuse its old cookie from now on."""
    session_id = session.pop(SESSION_KEY, None)
    if not session_id:
        return
    store = current_app.extensions["addchat_presence"]
    forget_after = current_app.permanent_session_lifetime.total_seconds()
    disconnect_connections(store.sign_out(session_id, forget_after))


def init_app(app):
    """Hook sign-in and sign-out of this app, and tag sessions on AddChat requests."""
    user_logged_in.connect(new_session_id, app)
    user_logged_out.connect(close_session_sockets, app)
    app.before_request(ensure_session_id)
