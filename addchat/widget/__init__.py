"""Serves the widget: /addchat/widget.js, its modules, and vendored npm builds.

Cache busting: at start-up the blueprint hashes every file the widget can load (all of
static/addchat/, the vendored npm builds in static/addchat/vendor/ included) into a short
content version. /addchat/widget.js
is served with that version written into it (short cache), and the loader imports the modules
from /addchat/static/v/<version>/..., cached for a year: relative imports inside the modules
resolve against that prefix, so every nested module, widget.css and the vendor builds carry the
version without any module knowing about it.
"""

import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    request,
    send_from_directory,
    url_for,
)

from addchat.context import RESOURCES

STATIC_DIR = RESOURCES / "static" / "addchat"
VENDOR_DIR = STATIC_DIR / "vendor"
# npm builds the widget loads (name -> path under node_modules/), pinned by package-lock.json and
# copied into static/addchat/vendor/ by `make vendor`, so a fresh clone and the wheel serve them
# without node_modules (tests/test_package.py checks the copies match).
VENDOR_FILES = {
    "socket.io.esm.min.js": "socket.io-client/dist/socket.io.esm.min.js",
    "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
    "pusher.min.js": "pusher-js/dist/web/pusher.min.js",
}
# Written in static/addchat/widget.js; replaced by the content version when served.
BUILD_PLACEHOLDER = "__ADDCHAT_BUILD__"
LOADER_MAX_AGE = 300  # a deploy reaches every page within 5 minutes
VERSIONED_MAX_AGE = 365 * 24 * 3600  # the URL changes whenever a byte does

bp = Blueprint("addchat_widget", __name__, static_folder=str(STATIC_DIR), static_url_path="/static")


def content_version(static_dir=STATIC_DIR):
    """Return a 12-hex-digit hash of every widget file's path and bytes (vendor builds included)."""
    digest = hashlib.sha256()
    files = sorted((p.relative_to(static_dir).as_posix(), p) for p in static_dir.rglob("*") if p.is_file())
    for name, path in files:
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
        digest.update(b"\0")
    return digest.hexdigest()[:12]


@bp.record_once
def _compute_version(state):
    """Hash the widget's files once, when the app registers the blueprint."""
    state.app.extensions["addchat_widget_version"] = content_version()


def current_version():
    """The content version; recomputed per call in debug mode, where files change under a running server."""
    if current_app.debug:
        return content_version()
    return current_app.extensions["addchat_widget_version"]


@bp.get("/widget.js")
def widget_js():
    """Serve the one script a host page includes, with the content version written in."""
    version = current_version()
    source = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    response = Response(source.replace(BUILD_PLACEHOLDER, version), mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = LOADER_MAX_AGE
    response.set_etag(version)
    return response.make_conditional(request)


@bp.get("/static/v/<version>/<path:filename>")
def versioned(version, filename):
    """Serve a module (or a vendor build) under the content version, cached for a year."""
    current = current_version()
    if version != current:
        # A page still running an old loader: send it to today's files, uncached.
        response = redirect(url_for(".versioned", version=current, filename=filename))
        response.cache_control.no_store = True
        return response
    response = send_from_directory(STATIC_DIR, filename)
    response.cache_control.public = True
    response.cache_control.max_age = VERSIONED_MAX_AGE
    response.cache_control.immutable = True
    return response


@bp.get("/static/vendor/<name>")
def vendor(name):
    """Serve a pinned npm build the widget imports."""
    if name not in VENDOR_FILES:
        abort(404)
    return send_from_directory(VENDOR_DIR, name, max_age=3600)


@bp.get("/health")
def health():
    """Answer a load balancer's health check; touches no database (the bench's ceiling)."""
    return jsonify(ok=True)
