"""An example host site: its own members table, templates and sign-in, with AddChat installed by pip.

It knows nothing of AddChat's repository: no config.py, no static/ or templates/ of AddChat's.
Run it (README, "Adding the chat to your own Flask site"):

    pip install flask-addchat            # or the wheel: pip install dist/flask_addchat-*.whl
    cd examples/host_site
    flask --app host_site addchat create-tables
    flask --app host_site seed-members
    flask --app host_site run

then sign in at http://127.0.0.1:5000/signin as ann@example.com (staff) or ben@example.com,
password "member".
"""

import os

import click
from flask import Flask, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from addchat import AddChat


class Base(DeclarativeBase):
    """The site's own declarative base (AddChat's tables keep theirs)."""


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()


class Member(UserMixin, db.Model):
    """A member of the site; the chat shows `display_name`, and staff may run the chat admin."""

    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    photo_url: Mapped[str | None] = mapped_column(String(300))
    password_hash: Mapped[str] = mapped_column(String(300))
    is_staff: Mapped[bool] = mapped_column(default=False)


class Note(db.Model):
    """Something members post through the site's own form (which carries no CSRF token)."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))


@login_manager.user_loader
def load_member(member_id):
    """Load the signed-in member."""
    return db.session.get(Member, int(member_id))


def create_app():
    """Build the site, then mount AddChat on it."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY", "example-only-change-me"),
        SQLALCHEMY_DATABASE_URI=os.environ.get("HOST_DATABASE_URL", "sqlite:///host_site.db"),
        # AddChat reads the site's member columns by these names.
        ADDCHAT_USER_NAME_FIELD="display_name",
        ADDCHAT_USER_AVATAR_FIELD="photo_url",
    )
    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "signin"
    AddChat(app, user_model=Member, db=db, admin_check=lambda member: member.is_staff)

    @app.get("/")
    @login_required
    def home():
        """The site's page; base.html includes the chat widget for signed-in members."""
        notes = db.session.execute(select(Note).order_by(Note.id)).scalars().all()
        return render_template("index.html", notes=notes)

    @app.post("/notes")
    @login_required
    def add_note():
        """The site's own form: AddChat's CSRF checks must not reach it."""
        db.session.add(Note(text=request.form.get("text", "")[:500]))
        db.session.commit()
        return redirect(url_for("home"))

    @app.route("/signin", methods=["GET", "POST"])
    def signin():
        """The site's own sign-in, through Flask-Login."""
        if request.method == "POST":
            email = request.form.get("email", "").strip().lower()
            member = db.session.execute(select(Member).where(Member.email == email)).scalar_one_or_none()
            if member and check_password_hash(member.password_hash, request.form.get("password", "")):
                login_user(member)
                return redirect(url_for("home"))
            flash("Wrong email or password.")
        return render_template("signin.html")

    @app.post("/signout")
    def signout():
        """Sign out (AddChat closes this browser's chat sockets through Flask-Login's signal)."""
        logout_user()
        return redirect(url_for("signin"))

    @app.context_processor
    def inject_member():
        """Give every template the signed-in member."""
        return {"member": current_user}

    @app.cli.command("seed-members")
    def seed_members():
        """Create the site's tables and two members (password "member"); Ann is staff."""
        db.create_all()
        for email, name, staff in (
            ("ann@example.com", "Ann Host", True),
            ("ben@example.com", "Ben Guest", False),
        ):
            if db.session.execute(select(Member).where(Member.email == email)).first() is None:
                db.session.add(
                    Member(
                        email=email,
                        display_name=name,
                        password_hash=generate_password_hash("member"),
                        is_staff=staff,
                    )
                )
        db.session.commit()
        click.echo("Members: ann@example.com (staff), ben@example.com; password 'member'.")

    return app


app = create_app()
