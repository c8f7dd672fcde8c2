"""Fixtures of the fault tests: our own PostgreSQL and Redis, stopped and started at will."""

import pytest

from tests.faults.services import OwnPostgres, OwnRedis


@pytest.fixture(scope="module")
def own_postgres():
    """A PostgreSQL cluster of this module's own, running."""
    cluster = OwnPostgres().start()
    yield cluster
    cluster.destroy()


@pytest.fixture
def own_redis():
    """A redis-server of this test's own, running."""
    server = OwnRedis().start()
    yield server
    server.stop()
