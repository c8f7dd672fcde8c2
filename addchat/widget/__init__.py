"""Serves the widget: /addchat/widget.js, its modules, and vendored npm builds."""

from flask import Blueprint, abort, jsonify, send_from_directory

from addchat.extension import ROOT

STATIC_DIR = ROOT / "static" / "addchat"
NODE_MODULES = ROOT / "node_modules"
# npm files the widget loads, served from node_modules so nothing is copied by hand.
VENDOR_FILES = {
    "socket.io.esm.min.js": "socket.io-client/dist/socket.io.esm.min.js",
    "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
    "pusher.min.js": "pusher-js/dist/web/pusher.min.js",
}

bp = Blueprint("addchat_widget", __name__, static_folder=str(STATIC_DIR), static_url_path="/static")


@bp.get("/widget.js")
def widget_js():
    """Serve the one script a host page includes."""
    return send_from_directory(STATIC_DIR, "widget.js", max_age=300)


@bp.get("/static/vendor/<name>")
def vendor(name):
    """Serve a pinned npm build the widget imports."""
    path = VENDOR_FILES.get(name)
    if path is None:
        abort(404)
    return send_from_directory(NODE_MODULES, path, max_age=3600)


@bp.get("/health")
def health():
    """Answer a load balancer's health check; touches no database (the bench's ceiling)."""
    return jsonify(ok=True)
