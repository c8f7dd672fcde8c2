"""Outgoing email through Flask-Mail, with the host's MAIL_* settings (MAIL_SERVER, MAIL_PORT, ...)."""

from flask_mail import Mail, Message

# Bound in init_app; the digests sweep sends through it.
mail = Mail()


def init_app(app):
    """Bind Flask-Mail to the app (its MAIL_* settings)."""
    mail.init_app(app)


def send_email(to, subject, body):
    """Send one plain-text email; raises on SMTP failure."""
    mail.send(Message(subject=subject, recipients=[to], body=body))
