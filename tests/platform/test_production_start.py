"""Production starts as an operator starts it: the environment is set before Python starts."""

import json
import urllib.request

import pytest

from tests.support.app import PG_TEST_DB, drop_postgres_database, recreate_postgres_database
from tests.support.production import Gunicorn, flask, production_env

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def production_database():
    name = f"{PG_TEST_DB}_prod_start"
    yield recreate_postgres_database(name)
    drop_postgres_database(name)


def test_production_migrates_and_serves_with_a_real_secret(
    production_database, redis_url, tmp_path
):
    env = production_env(production_database, redis_url)
    migrated = flask(env, "db", "upgrade")
    assert migrated.returncode == 0, migrated.stdout
    server = Gunicorn(env, tmp_path / "gunicorn.log", workers=2)
    try:
        server.start()
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=10) as answer:
            health = json.loads(answer.read())
        assert health["status"] == "ok" and health["queue"]["mode"] == "rq", health
        with urllib.request.urlopen(f"{server.url}/login", timeout=10) as answer:
            assert answer.status == 200
            assert "__Host-session=" in answer.headers.get("Set-Cookie", "")
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("secret", "named"),
    [(None, True), ("dev-only-not-secret", True), ("short", True), ("s" * 40, False)],
)
def test_production_start_judges_the_secret_it_is_given(
    production_database, redis_url, secret, named
):
    env = production_env(production_database, redis_url)
    if secret is None:
        del env["SECRET_KEY"]
    else:
        env["SECRET_KEY"] = secret
    answer = flask(env, "db", "current")
    assert ("set SECRET_KEY" in answer.stdout) is named, answer.stdout
    assert (answer.returncode != 0) is named, answer.stdout


def test_production_refuses_to_start_without_a_signing_certificate(production_database, redis_url):
    """As a process started with its environment: no certificate, no start. (A missing key, a
    wrong passphrase and an unreadable file are the same check: tests/platform/test_config.py.)"""
    env = production_env(production_database, redis_url)
    del env["LETTER_SIGNING_CERT"]
    answer = flask(env, "db", "current")
    assert answer.returncode != 0, answer.stdout
    assert "set LETTER_SIGNING_CERT and LETTER_SIGNING_KEY" in answer.stdout, answer.stdout


def test_production_start_refuses_events_over_http(production_database, redis_url):
    env = production_env(production_database, redis_url, EVENTS_ALLOW_HTTP="true")
    answer = flask(env, "db", "current")
    assert answer.returncode != 0, answer.stdout
    assert "EVENTS_ALLOW_HTTP (unset it: production sends events over https only)" in answer.stdout
