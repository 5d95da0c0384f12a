"""Configuration: production refuses to start without its secrets and services."""

import re

import pytest

from config import ProductionConfig, get_config
from faunaschade import create_app
from faunaschade.provinces import PROVINCE_CODES
from tests.support.production import LETTER_PROVINCES_JSON, signing_env


def test_production_refuses_without_secret_database_and_redis(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError) as err:
        create_app("production")
    message = str(err.value)
    assert "SECRET_KEY" in message and "DATABASE_URL" in message and "REDIS_URL" in message


def test_production_refuses_a_short_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@127.0.0.1/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.check()


def test_production_refuses_the_test_payment_provider(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@127.0.0.1/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("ALLOW_TEST_PAYMENTS", raising=False)
    with pytest.raises(RuntimeError, match="PAYMENT_PROVIDER"):
        ProductionConfig.check()


def test_production_accepts_complete_settings(monkeypatch):
    _complete_production_env(monkeypatch)
    ProductionConfig.check()


def test_unknown_environment_name_is_refused():
    with pytest.raises(RuntimeError, match="FAUNASCHADE_ENV"):
        get_config("staging")


def test_only_the_test_configuration_hashes_passwords_cheaply(app, monkeypatch):
    from argon2 import extract_parameters, profiles

    from faunaschade import passwords

    with app.app_context():
        assert extract_parameters(passwords.hash_password("x")) == profiles.CHEAPEST
    monkeypatch.setenv("PASSWORD_HASHING", "cheap")  # the environment cannot weaken it
    strong = {name: get_config(name).PASSWORD_HASHING for name in ("development", "production")}
    assert strong == {"development": "strong", "production": "strong"}
    development = create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with development.app_context():
        made = extract_parameters(passwords.hash_password("x"))
    assert made == profiles.RFC_9106_LOW_MEMORY and made.memory_cost == 65536


def _complete_production_env(monkeypatch):
    monkeypatch.setenv("ALLOW_TEST_PAYMENTS", "true")
    monkeypatch.setenv("LETTER_SENDER_JSON", '{"name": "BIJ12"}')
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@127.0.0.1/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    account = '{"name": "Provincie", "iban": "NL91ABNA0417164300", "bic": "ABNANL2A"}'
    accounts = ", ".join(f'"{code}": {account}' for code in PROVINCE_CODES)
    monkeypatch.setenv("PROVINCE_ACCOUNTS_JSON", "{" + accounts + "}")
    monkeypatch.setenv("LETTER_PROVINCES_JSON", LETTER_PROVINCES_JSON)
    for name, value in signing_env().items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"LETTER_SIGNING_KEY": None}, "set LETTER_SIGNING_CERT and LETTER_SIGNING_KEY"),
        ({"LETTER_SIGNING_KEY_PASSPHRASE": "fout"}, "wrong passphrase"),
        ({"LETTER_SIGNING_CERT": "/nergens/certificaat.pem"}, "cannot read '/nergens"),
    ],
    ids=["no-key", "wrong-passphrase", "missing-file"],
)
def test_production_refuses_an_unusable_signing_certificate(monkeypatch, change, named):
    """The start check names what is wrong with the signing settings (the process-level start
    without a certificate: tests/platform/test_production_start.py)."""
    _complete_production_env(monkeypatch)
    ProductionConfig.check()
    for name, value in change.items():
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=re.escape(named)):
        ProductionConfig.check()


def test_production_sends_events_over_https_only_and_never_inside(monkeypatch):
    # Pinned in the class, whatever the environment said when it was read.
    assert ProductionConfig.EVENTS_ALLOW_HTTP is False
    assert ProductionConfig.EVENTS_ALLOW_INTERNAL_ADDRESSES is False
    assert get_config("development").EVENTS_ALLOW_HTTP in (True, False)
    _complete_production_env(monkeypatch)
    ProductionConfig.check()
    monkeypatch.setenv("EVENTS_ALLOW_HTTP", "true")  # asked for: refused, not silently ignored
    with pytest.raises(RuntimeError, match="EVENTS_ALLOW_HTTP"):
        ProductionConfig.check()
    monkeypatch.delenv("EVENTS_ALLOW_HTTP")
    monkeypatch.setenv("EVENTS_ALLOW_INTERNAL_ADDRESSES", "true")
    with pytest.raises(RuntimeError, match="EVENTS_ALLOW_INTERNAL_ADDRESSES"):
        ProductionConfig.check()
    monkeypatch.delenv("EVENTS_ALLOW_INTERNAL_ADDRESSES")
    monkeypatch.setenv("EVENTS_ALLOWED_NETWORKS", "10.20.0.0/16, intranet")
    with pytest.raises(RuntimeError, match="'intranet' is not a network"):
        ProductionConfig.check()
    monkeypatch.setenv("EVENTS_ALLOWED_NETWORKS", "10.20.0.0/16,fd12:3456::/48")
    ProductionConfig.check()


def test_a_production_app_refuses_an_http_subscriber(other_app, session, admin, monkeypatch):
    """The running app, not only its class: production's settings refuse http at the API."""
    from tests.support.app import DEMO_PASSWORD

    app = other_app(
        EVENTS_ALLOW_HTTP=ProductionConfig.EVENTS_ALLOW_HTTP,
        EVENTS_ALLOW_INTERNAL_ADDRESSES=ProductionConfig.EVENTS_ALLOW_INTERNAL_ADDRESSES,
    )
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"email": admin.email, "password": DEMO_PASSWORD}
    ).json["token"]
    answer = client.post(
        "/api/v1/admin/subscribers",
        json={
            "name": "Zaaksysteem",
            "url": "http://zaken.example.nl/events",
            "event_types": ["nl.faunaschade.claim.created"],
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 422
    assert answer.json["error"]["fields"] == {"url": ["Gebruik een adres dat met https:// begint."]}
