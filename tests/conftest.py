"""Shared fixtures: a fresh event store per test on SQLite files and on PostgreSQL.

PostgreSQL tests use TEST_DATABASE_URL (default postgresql://root@127.0.0.1:5432/test).
Each pytest session works in its own database, created from that server and dropped
at the end, so two sessions on one machine never see each other's events.
Where no server answers, the PostgreSQL tests are skipped loudly; with
GIFTLEDGER_REQUIRE_POSTGRES=1 (set by .ci/run) they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from domain.ledger import Ledger
from service.config import Config, ledger_env
from service.store.ledger import StoredLedger

DEFAULT_TEST_DATABASE_URL = "postgresql://root@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgres"]


class FakeClock:
    """A clock tests move by hand (hold expiry, card expiry, as-of queries)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)


def _with_db(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A database of our own on the test PostgreSQL server, for this session."""
    server = _server_url()
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        message = f"PostgreSQL at {server} is not reachable: {error}"
        if os.environ.get("GIFTLEDGER_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        print(f"\n!!! SKIPPING POSTGRESQL TESTS: {message}\n")
        pytest.skip(message)
    dbname = f"giftledger_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield _with_db(server, dbname)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


def reset_postgres(url: str) -> None:
    """Empty the session database: drop and recreate its public schema."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A fresh, empty database URL: a SQLite file, or the PostgreSQL test database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/giftledger.db"
    url = request.getfixturevalue("postgres_server_url")
    reset_postgres(url)
    return url


@pytest.fixture
def clock() -> FakeClock:
    """A hand-moved clock."""
    return FakeClock()


@pytest.fixture
def config(database_url: str, clock: FakeClock) -> Config:
    """Settings for a fresh store, tables created, the fake clock."""
    return Config(
        database_url=database_url,
        create_tables=True,
        admin_token="test-admin-token",
        clock=clock,
    )


# GIFTLEDGER_PLAIN_LEDGER=1: the domain's Ledger on the library's own repository
# (no cache, no read-ahead, snapshots inline), for `pytest -m "not store"`.
PLAIN = os.environ.get("GIFTLEDGER_PLAIN_LEDGER") == "1"


@pytest.fixture
def ledger(config: Config, clock: FakeClock) -> Iterator[Ledger]:
    """A ledger Application on a fresh store, as the service composes it."""
    kind = Ledger if PLAIN else StoredLedger
    app = kind(env=ledger_env(config), clock=clock)
    yield app
    app.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs on the PostgreSQL backend."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec and callspec.params.get("database_url") == "postgres":
            item.add_marker(pytest.mark.postgres)


_postgres_outcomes = {"passed": 0, "skipped": 0, "failed": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count what happened to the PostgreSQL tests."""
    if "postgres" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _postgres_outcomes[report.outcome] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under GIFTLEDGER_REQUIRE_POSTGRES=1, a skipped PostgreSQL test fails the run."""
    counts = _postgres_outcomes
    if not any(counts.values()):
        return
    print(f"\nPostgreSQL tests: {counts}")
    if os.environ.get("GIFTLEDGER_REQUIRE_POSTGRES") == "1" and counts["skipped"]:
        print("!!! PostgreSQL tests were skipped: failing the run")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
