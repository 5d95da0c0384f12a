"""The test app and its services: settings, databases, the private Redis, sessions, serving.

Plain functions for tests that build an app, a database or a server of their own; the fixtures
on top of them are in tests/plugins/. Under pytest-xdist every worker is a process of its own
with its own PostgreSQL database (or SQLite file) and its own redis-server.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.serving import make_server

from faunaschade import create_app
from faunaschade.extensions import db
from tests.support.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]
TEST_DATABASE = os.environ.get("TEST_DATABASE", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL",
    "postgresql+psycopg://faunaschade:faunaschade@127.0.0.1:5432/postgres",
)
#: "gw0", "gw1", … under pytest-xdist; "main" in a run without workers.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# One database per test process (a run, or an xdist worker), so parallel runs never meet.
PG_TEST_DB = os.environ.get("TEST_POSTGRES_DB", f"faunaschade_test_{os.getpid()}")
if "TEST_POSTGRES_DB" in os.environ and WORKER != "main":
    PG_TEST_DB = f"{PG_TEST_DB}_{WORKER}"
DEMO_PASSWORD = "correct-horse-42-battery"


@functools.cache
def private_redis_url() -> str:
    """TEST_REDIS_URL, else a private redis-server for this process, started on first use, so
    that runs and xdist workers side by side never flush each other's queues."""
    if os.environ.get("TEST_REDIS_URL"):
        url = os.environ["TEST_REDIS_URL"]
        if WORKER == "main":
            return url
        # Workers share the given server: each takes a database index of its own.
        return f"{url.rsplit('/', 1)[0]}/{int(WORKER.removeprefix('gw')) + 1}"
    if shutil.which("redis-server") is None:
        return "redis://127.0.0.1:6379/15"  # make test installs redis-server; this is a fallback
    server = RedisServer(tempfile.mkdtemp(prefix="faunaschade-redis-"))
    server.start()
    atexit.register(server.discard)
    return server.url


def postgres_url(database: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def recreate_postgres_database(name: str, *settings: str) -> str:
    """Drop and create a PostgreSQL database (with `ALTER DATABASE … SET` settings); its URL."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        for setting in settings:
            conn.execute(text(f'ALTER DATABASE "{name}" SET {setting}'))
    admin.dispose()
    return postgres_url(name)


def drop_postgres_database(name: str) -> None:
    """Drop a PostgreSQL database made by the tests."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (new g, new db session), as in production.

    Without this, requests made inside a test's app context would share its `g`, so the
    logged-in user of one request would leak into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_test_app(database_url: str, **overrides: object) -> Flask:
    """A test app on the given database and this process's Redis."""
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": private_redis_url(),
        "JOBS_IN_PROCESS": False,
        "JOB_RETRY_INTERVALS": [0],
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app("test", config)
    app.test_client_class = FreshContextClient
    return app


@contextmanager
def rollback_session(app: Flask) -> Iterator:
    """Within this block, db.session runs inside one transaction that is rolled back after."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        # A plain sessionmaker: Flask-SQLAlchemy's Session ignores a session-level bind.
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        db.session = scoped_session(factory, scopefunc=_app_ctx_id)
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


def truncate_all(app: Flask) -> None:
    """Empty every table (for tests whose data must really be committed)."""
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def web_client(app: Flask, user: Any, password: str = DEMO_PASSWORD) -> FlaskClient:
    """A browser-like client logged in on the pages as `user` (a User or an e-mail address):
    session cookie and CSRF, as a browser has them."""
    client = app.test_client()
    email = getattr(user, "email", user)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post_form(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """Post a form of the page at `url` with that page's CSRF token."""
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _always_closed(app: Flask):
    """The app as a WSGI callable whose answer is closed even when the client goes away.

    Werkzeug's development server closes an answer only after reading what the client still
    sends; a browser that resets the connection (leaving a page while its stylesheets load)
    makes that read raise first, and a static file's handle is then left to the collector: a
    ResourceWarning in whichever test is running. The generator's own clean-up closes it."""

    def wsgi(environ, start_response):
        answer = app(environ, start_response)

        def chunks():
            try:
                yield from answer
            finally:
                if hasattr(answer, "close"):
                    answer.close()

        return chunks()

    return wsgi


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve `app` over HTTP on loopback in a thread, one thread per request; yields its URL."""
    server = make_server("127.0.0.1", 0, _always_closed(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
