"""Operations: health and readiness endpoints, request ids and JSON logs, memory after closes."""

from addchat.ops import database, health, logs


def init_app(app):
    """Mount healthz/readyz, request ids and the database-unavailable answer (before Flask-Limiter)."""
    logs.init_app(app)
    database.init_app(app)
    app.register_blueprint(health.bp, url_prefix="/addchat")
