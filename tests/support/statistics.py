"""Seeded data for the statistics, audit-log and demo-seed tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask

from faunaschade.cli.demo import DEMO_PASSWORD, seed_users
from faunaschade.extensions import db
from faunaschade.seed import SeedReport, seed_claims
from tests.support.app import csrf_token_from, truncate_all

#: A fixed moment, so the seeded history is the same on every run.
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@contextmanager
def seeded_database(app: Flask, n: int, seed: int = 2026) -> Iterator[SeedReport]:
    """Demo users and `n` claims committed for real; every table emptied afterwards."""
    truncate_all(app)
    with app.app_context():
        seed_users()
        report = seed_claims(n, seed=seed, now=NOW, password=DEMO_PASSWORD)
        db.session.remove()
    try:
        yield report
    finally:
        truncate_all(app)


def token_for(client, email: str) -> dict[str, str]:
    """A bearer header for a demo user."""
    response = client.post("/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def web_login(app: Flask, email: str):
    """A browser-like client logged in as a demo user (session cookie, CSRF)."""
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


AUDITOR = "controleur@demo.faunaschade.nl"
ADMIN = "beheerder@demo.faunaschade.nl"
FARMER = "boer@demo.faunaschade.nl"
OFFICER_FR = "behandelaar-fr-1@demo.faunaschade.nl"
