"""The standalone app's configuration: AddChat's defaults (addchat/settings.py), extended here.

Every setting and its documentation lives once, in the package; this file only says what the
demo site in this checkout does differently: its SQLite file sits in the checkout's instance/.
`wsgi.py` and `serve.py` pick a class by name (ADDCHAT_CONFIG).
"""

import os
from pathlib import Path

from addchat import settings

BASE_DIR = Path(__file__).resolve().parent
_DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'addchat.db'}")


class DevelopmentConfig(settings.DevelopmentConfig):
    """The local demo: SQLite file in this checkout's instance/."""

    SQLALCHEMY_DATABASE_URI = _DATABASE_URL


class TestingConfig(settings.TestingConfig):
    """Tests: as the package's (a throwaway database given by the test)."""


class ProductionConfig(settings.ProductionConfig):
    """Production: as the package's, database from DATABASE_URL."""

    SQLALCHEMY_DATABASE_URI = _DATABASE_URL


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
