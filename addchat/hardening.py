"""Browser-facing safety of everything AddChat serves: security headers, 405 Allow, CSRF rotation.

Every response under /addchat/ says `X-Content-Type-Options: nosniff`, `Referrer-Policy:
same-origin` and a Content-Security-Policy with `frame-ancestors 'none'` (the admin page's
one-click switch cannot be framed): HTML pages get ADDCHAT_PAGE_CSP (scripts, styles and
connections from this origin only, no inline code: the widget runs under it), everything else
(JSON, scripts, styles) `default-src 'none'`. A 405 always lists the allowed methods (`Allow`).
At every sign-in the CSRF token is replaced, so a token planted or read before sign-in is useless.
A user deleted by the host loses their feed with them (addchat/accounts.py).
"""

from flask import current_app, g, request, session
from flask_login import user_logged_in

from addchat.accounts import watch_user_model

PREFIX = "/addchat/"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
RESOURCE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def security_headers(response):
    """Add the security headers to AddChat's responses (a response's own CSP is kept)."""
    if response.status_code == 405 and "Allow" not in response.headers:
        adapter = current_app.url_map.bind_to_environ(request.environ)
        response.headers["Allow"] = ", ".join(sorted(adapter.allowed_methods()))
    if not request.path.startswith(PREFIX):
        return response
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", current_app.config.get("ADDCHAT_PAGE_CSP") or PAGE_CSP)
    else:
        headers.setdefault("Content-Security-Policy", RESOURCE_CSP)
    return response


def rotate_csrf(sender=None, **extra):
    """Forget the session's CSRF token at sign-in; the next page or config call gets a new one."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)


def init_app(app):
    """Add the headers, rotate the CSRF token at every sign-in, forget deleted users' feeds."""
    app.after_request(security_headers)
    user_logged_in.connect(rotate_csrf, app)
    watch_user_model(app.extensions["addchat"].user_model)
