"""Subscribers' secrets at rest: sealed under a key derived from SECRET_KEY, never stored or put
in the session cookie as they are; a SECRET_KEY rotation with SECRET_KEY_FALLBACKS and
`flask events reseal-secrets`; the migration seals the secrets stored before it."""

from __future__ import annotations

import base64
import json
import zlib
from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, insert, select, text

from faunaschade.events import secret_box
from faunaschade.events.delivery import signature
from faunaschade.extensions import db
from faunaschade.models import Subscriber
from tests.events.test_subscriber_input import GOOD, web_login
from tests.support.app import (
    PG_TEST_DB,
    ROOT,
    TEST_DATABASE,
    csrf_token_from,
    drop_postgres_database,
    make_test_app,
    recreate_postgres_database,
)

BEFORE = "a16b2c3d4e5f"


def raw_row(session, subscriber_id: int) -> dict:
    row = session.execute(
        text("SELECT * FROM event_subscribers WHERE id = :id"), {"id": subscriber_id}
    ).mappings()
    return dict(row.one())


def test_the_secret_is_stored_sealed_and_opens_with_the_key(app, session, client, admin, api_token):
    made = client.post("/api/v1/admin/subscribers", json=GOOD, headers=api_token(admin)).json
    secret = made["secret"]
    row = raw_row(session, made["id"])
    assert "secret" not in row
    assert secret not in json.dumps(row, default=str)
    assert row["secret_sealed"].startswith("gAAAAA")  # a Fernet token
    with app.app_context():
        assert secret_box.unseal(row["secret_sealed"]) == secret
    # Not under SECRET_KEY itself: the key is derived for this use only.
    from cryptography.fernet import Fernet, InvalidToken

    naive = base64.urlsafe_b64encode(app.config["SECRET_KEY"].encode().ljust(32, b"\0")[:32])
    with pytest.raises(InvalidToken):
        Fernet(naive).decrypt(row["secret_sealed"].encode())


def test_a_new_secret_replaces_the_sealed_one(app, session, client, admin, api_token):
    headers = api_token(admin)
    made = client.post("/api/v1/admin/subscribers", json=GOOD, headers=headers).json
    renewed = client.post(f"/api/v1/admin/subscribers/{made['id']}/secret", headers=headers).json
    assert renewed["secret"] != made["secret"]
    with app.app_context():
        assert secret_box.unseal(raw_row(session, made["id"])["secret_sealed"]) == renewed["secret"]
    assert (
        "secret" not in client.get(f"/api/v1/admin/subscribers/{made['id']}", headers=headers).json
    )


def _cookie_payload(browser) -> str:
    cookie = browser.get_cookie("session")
    value = cookie.value
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if compressed else data).decode()


def test_the_page_shows_the_secret_once_and_the_cookie_never_holds_it(app, session, admin):
    browser = web_login(app, admin.email)
    token = csrf_token_from(browser.get("/koppelingen").get_data(as_text=True))
    answer = browser.post(
        "/koppelingen", data={**GOOD, "event_types": GOOD["event_types"], "csrf_token": token}
    )
    assert answer.status_code == 302
    # Between the POST and the page, the secret waits in the (readable) session cookie: sealed.
    subscriber = session.scalars(select(Subscriber)).one()
    with app.app_context():
        secret = secret_box.unseal(subscriber.secret_sealed)
    assert secret not in _cookie_payload(browser)
    shown = browser.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"<code data-secret>{secret}</code>" in shown
    again = browser.get(answer.headers["Location"]).get_data(as_text=True)
    assert secret not in again and "data-secret" not in again


def test_rotating_secret_key_with_a_fallback_and_resealing(
    app, session, client, admin, api_token, monkeypatch
):
    made = client.post("/api/v1/admin/subscribers", json=GOOD, headers=api_token(admin)).json
    old_key = app.config["SECRET_KEY"]
    sealed_before = raw_row(session, made["id"])["secret_sealed"]
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key-of-at-least-32-chars!")
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    with app.app_context(), pytest.raises(secret_box.SecretUnreadable):
        secret_box.unseal(sealed_before)
    runner = app.test_cli_runner()
    lost = runner.invoke(args=["events", "reseal-secrets"])
    assert lost.exit_code == 1 and f"subscriber(s) {made['id']}" in lost.output

    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_key])
    with app.app_context():
        assert secret_box.unseal(sealed_before) == made["secret"]
    done = runner.invoke(args=["events", "reseal-secrets"])
    assert done.exit_code == 0, done.output
    assert "1 subscriber secret(s) sealed" in done.output
    session.expire_all()
    sealed_after = raw_row(session, made["id"])["secret_sealed"]
    assert sealed_after != sealed_before
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])  # the old key may go now
    with app.app_context():
        assert secret_box.unseal(sealed_after) == made["secret"]
        # The signature a receiver checks is the same as before the rotation.
        assert signature(secret_box.unseal(sealed_after), "1", b"x") == signature(
            made["secret"], "1", b"x"
        )


@pytest.fixture
def old_release(tmp_path):
    """The revision before, with a subscriber whose secret is stored as it is."""
    if TEST_DATABASE == "postgresql":
        url = recreate_postgres_database(f"{PG_TEST_DB}_secrets")
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    scratch = make_test_app(url)
    with scratch.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision=BEFORE)
        tables = MetaData()
        tables.reflect(db.engine, only=["event_subscribers"])
        db.session.execute(
            insert(tables.tables["event_subscribers"]),
            {
                "id": 7,
                "name": "Zaaksysteem",
                "url": "https://zaken.example.nl/e",
                "event_types": ["nl.faunaschade.claim.created"],
                "secret": "het-oude-geheim-in-platte-tekst",
                "active": True,
                "created_by": None,
                "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
            },
        )
        db.session.commit()
    yield scratch
    with scratch.app_context():
        db.engine.dispose()
    if TEST_DATABASE == "postgresql":
        drop_postgres_database(f"{PG_TEST_DB}_secrets")


def test_the_migration_seals_existing_secrets_and_the_downgrade_opens_them(old_release):
    with old_release.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        row = db.session.execute(text("SELECT * FROM event_subscribers")).mappings().one()
        assert "secret" not in row
        assert "het-oude-geheim" not in row["secret_sealed"]
        assert secret_box.unseal(row["secret_sealed"]) == "het-oude-geheim-in-platte-tekst"
        db.session.commit()
        downgrade(directory=str(ROOT / "migrations"), revision=BEFORE)
        row = db.session.execute(text("SELECT * FROM event_subscribers")).mappings().one()
        assert row["secret"] == "het-oude-geheim-in-platte-tekst"
        assert "secret_sealed" not in row
        db.session.commit()
