"""The demo host site: a login page and pages that include the widget script."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user, user_logged_out
from sqlalchemy import select

from addchat.demo import auth
from addchat.extensions import db, limiter
from addchat.models import User

bp = Blueprint("demo", __name__)
# Sign-out deletes the sign-in's row: its session and remember-me cookies stop working.
bp.record_once(lambda setup: user_logged_out.connect(auth.end_session, setup.app))


@bp.get("/")
@login_required
def index():
    """The host site's page, with the widget embedded by one script tag."""
    return render_template("demo/index.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(auth.account_limit, key_func=auth.login_email, methods=["POST"], deduct_when=auth.failed)
@limiter.limit(auth.address_limit, key_func=auth.login_address, methods=["POST"], deduct_when=auth.failed)
def login():
    """Sign in with a demo account (the host site's own login, not AddChat's)."""
    if request.method == "POST":
        email = request.form.get("email", "").strip().lower()
        user = auth.authenticate(email, request.form.get("password", ""))
        if user is not None:
            auth.start_session(user)
            db.session.commit()
            login_user(user, remember=True)
            return redirect(_safe_next(request.args.get("next")))
        flash("Wrong email or password.")
    users = db.session.execute(select(User).order_by(User.id)).scalars().all()
    return render_template("demo/login.html", users=users)


@bp.post("/logout")
def logout():
    """Sign out and go back to the login page."""
    logout_user()
    return redirect(url_for("demo.login"))


def _safe_next(target):
    """Follow ?next= only to a path on this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("demo.index")


@bp.app_context_processor
def inject_user():
    """Expose the signed-in user to every demo template."""
    return {"user": current_user}


@bp.after_request
def strict_csp(response):
    """Serve the demo under a strict CSP, proving the widget needs no inline code."""
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response
