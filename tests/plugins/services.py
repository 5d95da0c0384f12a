"""Fixtures on real services: PostgreSQL or SQLite (TEST_DATABASE), Redis, rq, the app over HTTP.

Each test process (a plain run, or each pytest-xdist worker) gets its own database, migrated once,
and its own redis-server; a test runs in a transaction rolled back afterwards (`session`), or on
committed data in tables emptied afterwards (`committed`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade
from redis import Redis
from rq import SimpleWorker

from faunaschade.extensions import db
from faunaschade.jobs.core import QUEUES, set_worker_app, wait_for_background_jobs
from tests.support.app import (
    PG_TEST_DB,
    ROOT,
    TEST_DATABASE,
    drop_postgres_database,
    make_test_app,
    private_redis_url,
    recreate_postgres_database,
    rollback_session,
    serving,
    truncate_all,
)
from tests.support.receiver import Receiver


def pytest_report_header(config: pytest.Config) -> str:
    redis = os.environ.get("TEST_REDIS_URL") or "a private redis-server per process"
    return f"faunaschade test database: {TEST_DATABASE}; redis: {redis}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TEST_DATABASE == "postgresql":
        skips = {"sqlite_pass_only": "the same on every database (runs in the SQLite pass)"}
    else:
        skips = {
            "postgres_only": "needs PostgreSQL (runs in the PostgreSQL pass)",
            "postgres_pass_only": "runs once, in the PostgreSQL pass",
        }
    for item in items:
        for marker, reason in skips.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This process's database: a SQLite file, or a PostgreSQL database made for the run."""
    if TEST_DATABASE != "postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    # No test here survives a crash of the shared server (test_postgres_restart runs a cluster
    # of its own), so commits need not wait for the disk.
    yield recreate_postgres_database(PG_TEST_DB, "synchronous_commit = off")
    drop_postgres_database(PG_TEST_DB)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of this process's private redis-server."""
    return private_redis_url()


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = make_test_app(database_url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    set_worker_app(app)
    yield app
    wait_for_background_jobs()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def other_app(database_url: str):
    """Build extra apps on the test database with other settings; their pools are closed after."""
    made: list[Flask] = []

    def build(**overrides: object) -> Flask:
        made.append(make_test_app(database_url, **overrides))
        return made[-1]

    yield build
    # An in-process job's thread (no Redis) may still hold a connection of one of these apps:
    # disposed under it, that connection would be left to the garbage collector, open.
    wait_for_background_jobs()
    for extra in made:
        with extra.app_context():
            db.engine.dispose()


@pytest.fixture
def session(app: Flask) -> Iterator:
    """Every test runs inside one transaction that is rolled back afterwards."""
    with rollback_session(app) as scoped:
        yield scoped


@pytest.fixture
def committed(app: Flask) -> Iterator[Flask]:
    """Data is committed for real (other threads/processes see it); tables emptied after."""
    truncate_all(app)
    yield app
    truncate_all(app)


@pytest.fixture
def redis_conn(redis_url: str) -> Iterator[Redis]:
    conn = Redis.from_url(redis_url)
    conn.flushdb()
    yield conn
    conn.flushdb()
    conn.close()


@pytest.fixture
def run_worker(redis_conn: Redis):
    """Run a real rq SimpleWorker in burst mode on every queue; returns the number of jobs."""

    def run() -> bool:
        worker = SimpleWorker(list(QUEUES), connection=redis_conn)
        return worker.work(burst=True)

    return run


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP receiver of event deliveries on a free loopback port (tests/support)."""
    started = Receiver().start()
    yield started
    started.down()


@pytest.fixture
def client(app: Flask, session):
    return app.test_client()


@pytest.fixture
def live_server(committed: Flask) -> Iterator[str]:
    """The app served over HTTP on loopback in a thread, on committed data."""
    with serving(committed) as url:
        yield url
