"""The admin's journey in a real Chromium: register a subscriber pointing at a real receiver,
see its secret once, a claim submitted through the API is announced, the receiver answers 500
until the delivery is given up and shown as failed, the receiver recovers, the admin retries,
the delivery shows as delivered. Errors of the form in place, with the focus on the summary."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from faunaschade import jobs
from faunaschade.accounts.users import create_user
from faunaschade.extensions import db
from faunaschade.models import Role
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import log_in
from tests.support.farmers import claim_body, parcel_body, register_and_login

pytestmark = pytest.mark.browser
ADMIN = "beheerder@example.nl"


@pytest.fixture
def quick(committed, monkeypatch):
    """Two attempts, quickly after each other."""
    monkeypatch.setitem(committed.config, "EVENTS_MAX_ATTEMPTS", 2)
    monkeypatch.setitem(committed.config, "EVENTS_RETRY_BASE_SECONDS", 0.05)
    monkeypatch.setitem(committed.config, "EVENTS_RETRY_MAX_SECONDS", 0.2)
    monkeypatch.setitem(committed.config, "EVENTS_TIMEOUT_SECONDS", 1.0)
    with committed.app_context():
        create_user(ADMIN, DEMO_PASSWORD, Role.ADMIN)
        db.session.commit()
    return committed


def test_register_see_the_secret_once_fail_and_retry(
    quick, live_server, page, receiver, run_worker
):
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/koppelingen")
    form = page.locator("form.form")
    form.get_by_label("Naam").fill("Zaaksysteem Drenthe")
    form.get_by_label("Adres (URL)").fill("ftp://zaken.example.nl/events")
    page.locator('input[value="nl.faunaschade.claim.created"]').check()
    page.get_by_role("button", name="Koppeling registreren").click()

    # Refused in place: the summary has the focus, the field says why, the input is kept.
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Adres (URL)")).to_be_visible()
    url_field = page.get_by_label("Adres (URL)")
    expect(url_field).to_have_attribute("aria-invalid", "true")
    expect(url_field).to_have_value("ftp://zaken.example.nl/events")
    expect(page.get_by_label("Naam")).to_have_value("Zaaksysteem Drenthe")
    expect(page.locator('input[value="nl.faunaschade.claim.created"]')).to_be_checked()
    assert "https://" in page.locator("#f-url-error").inner_text()
    summary.get_by_role("link", name="Adres (URL)").click()
    expect(url_field).to_be_focused()

    url_field.fill(receiver.url)
    page.get_by_role("button", name="Koppeling registreren").click()
    expect(page.get_by_role("heading", name="Koppeling Zaaksysteem Drenthe")).to_be_visible()
    secret = page.locator("[data-secret]").inner_text().strip()
    assert len(secret) == 43
    receiver.secret = secret
    subscriber_page = page.url
    page.reload()
    expect(page.locator("[data-secret]")).to_have_count(0)
    assert secret not in page.content()

    # Something happens: a farmer submits a claim through the API. The receiver answers 500.
    receiver.fail_next = 1000
    api = quick.test_client()
    farmer = register_and_login(api)
    parcel = api.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    made = api.post("/api/v1/claims", json=claim_body(parcel["id"], province="DR"), headers=farmer)
    assert made.status_code == 201, made.json
    run_worker()
    for _ in range(8):  # what the worker does over time: sweep the due retry, send it
        time.sleep(0.3)
        with quick.app_context():
            jobs.sweep()
        run_worker()
    assert [r.answered for r in receiver.requests] == [500, 500]

    page.goto(subscriber_page)
    row = page.locator("tr[data-delivery]")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-status", "failed")
    expect(row).to_contain_text("mislukt")
    expect(row).to_contain_text("HTTP 500: nope!")
    expect(row).to_contain_text("nl.faunaschade.claim.created")

    # The receiver recovers; the admin presses retry.
    receiver.fail_next = 0
    row.get_by_role("button", name="Opnieuw proberen").click()
    expect(page.get_by_role("status")).to_contain_text("De aflevering wordt opnieuw geprobeerd.")
    expect(page.locator("tr[data-delivery]")).to_have_attribute("data-status", "pending")
    run_worker()
    page.reload()
    row = page.locator("tr[data-delivery]")
    expect(row).to_have_attribute("data-status", "delivered")
    expect(row).to_contain_text("afgeleverd")
    expect(row.get_by_role("button", name="Opnieuw proberen")).to_have_count(0)
    assert [r.answered for r in receiver.requests] == [500, 500, 204]
    assert all(r.signature_ok for r in receiver.requests)
    assert receiver.accepted()[0]["subject"] == made.json["reference"]

    page.goto(f"{live_server}/koppelingen")
    listed = page.get_by_role("row", name="Zaaksysteem Drenthe")
    expect(listed).to_contain_text(receiver.url)
