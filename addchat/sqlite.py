"""The embedded default database: SQLite tuned for a web server's many short writers."""

from sqlalchemy import event

# WAL lets readers (every poll) go on while one writer commits; synchronous=NORMAL syncs the log
# at checkpoints rather than at every commit (a power cut may lose the last commits, never the
# file); the busy timeout makes a writer wait for the lock instead of failing at once.
PRAGMAS = ("PRAGMA busy_timeout=5000", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def _set_pragmas(dbapi_connection, connection_record):
    """Apply the pragmas to each new SQLite connection."""
    cursor = dbapi_connection.cursor()
    try:
        for pragma in PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def tune(app, chat_db):
    """Tune AddChat's engine when it is SQLite and ADDCHAT_SQLITE_WAL is on."""
    if not app.config.get("ADDCHAT_SQLITE_WAL", True):
        return
    with app.app_context():
        engine = chat_db.engine
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _set_pragmas):
        event.listen(engine, "connect", _set_pragmas)
