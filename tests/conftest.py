"""Fixtures on real services: PostgreSQL or SQLite (TEST_DATABASE), Redis, rq, Chromium."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from redis import Redis
from rq import SimpleWorker
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.serving import make_server

from faunaschade import create_app
from faunaschade.extensions import db
from faunaschade.jobs.core import QUEUES, set_worker_app
from tests.private_redis import RedisServer, free_port

ROOT = Path(__file__).resolve().parents[1]
TEST_DATABASE = os.environ.get("TEST_DATABASE", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL",
    "postgresql+psycopg://faunaschade:faunaschade@127.0.0.1:5432/postgres",
)
# One database per test run, so parallel runs (two checkouts, helpers) never meet.
PG_TEST_DB = os.environ.get("TEST_POSTGRES_DB", f"faunaschade_test_{os.getpid()}")


def _test_redis_url() -> str:
    """TEST_REDIS_URL, else a private redis-server for this run, so that runs side by side
    (two checkouts, CI and a developer) never flush each other's queues."""
    if os.environ.get("TEST_REDIS_URL"):
        return os.environ["TEST_REDIS_URL"]
    if shutil.which("redis-server") is None:
        return "redis://127.0.0.1:6379/15"  # make test installs redis-server; this is a fallback
    server = RedisServer(tempfile.mkdtemp(prefix="faunaschade-redis-"))
    server.start()
    atexit.register(server.discard)
    # Test modules import this file again as tests.conftest: they find the same server.
    os.environ["TEST_REDIS_URL"] = server.url
    return server.url


REDIS_URL = _test_redis_url()
DEMO_PASSWORD = "correct-horse-42-battery"


def pytest_report_header(config: pytest.Config) -> str:
    return f"faunaschade test database: {TEST_DATABASE}; redis: {REDIS_URL}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TEST_DATABASE == "postgresql":
        skip = pytest.mark.skip(reason="the same on every database (runs in the SQLite pass)")
        marker = "sqlite_pass_only"
    else:
        skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass)")
        marker = "postgres_only"
    for item in items:
        if marker in item.keywords:
            item.add_marker(skip)


def _pg_url(database: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def recreate_postgres_database(name: str) -> str:
    """Drop and create a PostgreSQL database; returns its URL."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return _pg_url(name)


def drop_postgres_database(name: str) -> None:
    """Drop a PostgreSQL database made by the tests."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if TEST_DATABASE != "postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    yield recreate_postgres_database(PG_TEST_DB)
    drop_postgres_database(PG_TEST_DB)


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (new g, new db session), as in production.

    Without this, requests made inside a test's app context would share its `g`, so the
    logged-in user of one request would leak into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # The request appended to the audit chain on the test's shared connection, so the
        # test's own session must read the chain's head again. (In production every
        # transaction holds the chain's lock while it appends, so a cached head cannot go stale.)
        if has_app_context():
            db.session.info.pop("audit_head", None)
        return response


def make_test_app(database_url: str, **overrides: object) -> Flask:
    """A test app on the given database; Redis on its own db index."""
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": REDIS_URL,
        "JOBS_IN_PROCESS": False,
        "JOB_RETRY_INTERVALS": [0],
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app("test", config)
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture
def other_app(database_url: str):
    """Build extra apps on the test database with other settings; their pools are closed after."""
    made: list[Flask] = []

    def build(**overrides: object) -> Flask:
        made.append(make_test_app(database_url, **overrides))
        return made[-1]

    yield build
    for extra in made:
        with extra.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = make_test_app(database_url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    set_worker_app(app)
    yield app
    with app.app_context():
        db.engine.dispose()


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


@pytest.fixture
def session(app: Flask) -> Iterator:
    """Every test runs inside one transaction that is rolled back afterwards."""
    with rollback_session(app) as scoped:
        yield scoped


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


@pytest.fixture
def committed(app: Flask) -> Iterator[Flask]:
    """Data is committed for real (other threads/processes see it); tables emptied after."""
    truncate_all(app)
    yield app
    truncate_all(app)


@pytest.fixture
def redis_conn() -> Iterator[Redis]:
    conn = Redis.from_url(REDIS_URL)
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
def client(app: Flask, session):
    return app.test_client()


@pytest.fixture
def make_user(session):
    """Create a user (farmers get a profile) in the test transaction."""
    from faunaschade.accounts.users import create_user
    from faunaschade.models import FarmerProfile, Role

    counter = iter(range(1, 10_000))

    def make(role: str = "farmer", provinces: tuple[str, ...] = (), **kwargs):
        n = next(counter)
        email = kwargs.pop("email", f"{role}{n}@example.nl")
        if role in ("officer", "auditor") and not provinces and not kwargs.get("all_provinces"):
            provinces = ("FR",)
        user = create_user(email, DEMO_PASSWORD, Role(role), provinces, **kwargs)
        if role == "farmer":
            session.add(
                FarmerProfile(
                    user_id=user.id,
                    name=f"Boer {n}",
                    kvk=f"{n:08d}",
                    iban="NL91ABNA0417164300",
                    address="Dijk 1",
                    postcode="1234 AB",
                    city="Joure",
                )
            )
        session.flush()
        return user

    return make


@pytest.fixture
def api_token(client):
    """A bearer header for a user."""

    def token_for(user) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 201, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}

    return token_for


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve `app` over HTTP on loopback in a thread, one thread per request; yields its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def live_server(committed: Flask) -> Iterator[str]:
    """The app served over HTTP on loopback in a thread, on committed data."""
    with serving(committed) as url:
        yield url


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: make test installs it (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


class SmtpSink:
    """What the loopback SMTP server received: parsed messages, envelopes and logins."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.messages: list = []
        self.envelope_recipients: list[list[str]] = []
        self.logins: list[tuple[str, str]] = []
        #: Refuse this many next recipients with a temporary 450 that quotes the address.
        self.refuse_next = 0
        self._arrived = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return f"450 4.2.0 <{address}>: Recipient address rejected, mailbox busy"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        import email
        import email.policy

        # SMTP lines end in CRLF; a mail client shows plain newlines, and so do the tests.
        raw = envelope.content.replace(b"\r\n", b"\n")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self.envelope_recipients.append(list(envelope.rcpt_tos))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    def wait_for(self, n: int, timeout: float = 5) -> list:
        """Block until at least n messages arrived; returns them all."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= n, timeout):
                raise AssertionError(f"expected {n} message(s), received {len(self.messages)}")
            return list(self.messages)


@pytest.fixture
def smtp_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on loopback; the app's MAIL_* settings point at it."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())
    # AUTH over plain loopback, so the login path can be tested without certificates.
    controller = Controller(
        sink,
        hostname=sink.host,
        port=sink.port,
        server_hostname="smtp.test",
        authenticator=sink.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", sink.host)
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", None)
    try:
        yield sink
    finally:
        controller.stop()
