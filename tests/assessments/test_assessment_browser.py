"""In a real Chromium: officer orders → assessor reports and submits → farmer's zienswijze.

Set SCREENSHOT_DIR to keep screenshots of the queue, the report form and the claim page.
"""

import os
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from faunaschade.accounts.users import create_user
from faunaschade.claims import operations as claims
from faunaschade.clock import today
from faunaschade.extensions import db
from faunaschade.models import Parcel, Role, Tenure
from faunaschade.money import dutch_date
from faunaschade.rules import zienswijze_deadline
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import log_in
from tests.support.farmers import make_farm, recent_workday

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.fixture
def seeded(committed, redis_conn):
    """A submitted claim in Limburg, an officer there and two assessors (committed)."""
    with committed.app_context():
        profile = make_farm(
            "boer@example.nl", "Boer", "Maatschap Peters", "Maasdijk 4", "6071 AB", "Swalmen"
        )
        parcel = Parcel(
            farmer_id=profile.id,
            name="Uiterwaard",
            area_ha=Decimal("4.2"),
            crop="blijvend_grasland",
            tenure=Tenure.OWN,
        )
        db.session.add(parcel)
        db.session.flush()
        body = {
            "province": "LI",
            "crop": "blijvend_grasland",
            "discovered_on": recent_workday(),
            "species": ["grauwe_gans", "kolgans"],
            "parcels": [
                {"parcel_id": parcel.id, "damaged_area_ha": Decimal("2.5"), "area_type": "regular"}
            ],
            "preventive_measures": ["acoustic", "visual"],
            "description": "Ganzen op het grasland.",
        }
        claim = claims.create_claim(profile, body, profile.user)
        claims.submit_claim(claim, profile.user)
        create_user("behandelaar@example.nl", DEMO_PASSWORD, Role.OFFICER, ["LI"], name="Bea")
        create_user("tim@bureau.nl", DEMO_PASSWORD, Role.ASSESSOR, name="Tim Taxateur")
        create_user("ander@bureau.nl", DEMO_PASSWORD, Role.ASSESSOR, name="Ander Bureau")
        db.session.commit()
        return {"claim_id": claim.id, "reference": claim.reference}


def logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()


def test_order_report_submit_zienswijze_in_the_browser(live_server, page, seeded):
    reference = seeded["reference"]
    log_in(page, live_server, "behandelaar@example.nl")
    page.get_by_role("link", name="Werkvoorraad").click()
    page.get_by_label("Diersoort").select_option(label="kolgans")
    page.get_by_role("button", name="Filteren").click()
    assert "1 aanvraag gevonden." in page.get_by_role("status").inner_text()
    assert "Op tijd" in page.locator("table.queue").inner_text()
    shot(page, "queue")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Taxatie opdragen").click()
    page.get_by_label(re.compile("^Tim Taxateur")).check()
    page.get_by_label("Spoedtaxatie").check()
    page.get_by_role("button", name="Taxatie opdragen").click()
    assert "Taxatie opgedragen aan Tim Taxateur" in page.get_by_role("status").inner_text()
    assert "Taxatie opgedragen" in page.locator(".status-line").inner_text()
    logout(page)

    log_in(page, live_server, "ander@bureau.nl")
    page.get_by_role("link", name="Mijn taxaties").click()
    expect(page.locator("main")).to_contain_text("U heeft geen open opdrachten.")
    logout(page)

    log_in(page, live_server, "tim@bureau.nl")
    page.get_by_role("link", name="Mijn taxaties").click()
    assert "Spoedtaxatie" in page.locator("table.work-list").inner_text()
    page.get_by_role("link", name=re.compile("^Rapport invullen")).click()
    page.get_by_label("Datum").fill(today().isoformat())
    first = page.get_by_role("group", name="Regel 1")
    assert first.get_by_label("Diersoort").input_value() == "grauwe_gans"
    first.get_by_label("Beschadigde oppervlakte (ha)").fill("5")
    first.get_by_label("Verloren hoeveelheid").fill("5000")
    first.get_by_label("Eenheid", exact=True).select_option(label="kg droge stof")
    first.get_by_label("Prijs per eenheid (€)").fill("0,34")
    first.get_by_label("Prijsbron").select_option(label="BIJ12-prijs")
    page.get_by_label(re.compile("^Akoestisch")).check()
    page.get_by_label(re.compile("^Visueel")).check()
    page.get_by_role("button", name="Opslaan", exact=True).first.click()
    summary = page.get_by_role("alert").inner_text()
    assert "Regel 1: Beschadigde oppervlakte (ha)" in summary
    assert (
        first.get_by_label("Beschadigde oppervlakte (ha)").get_attribute("aria-invalid") == "true"
    )
    first.get_by_label("Beschadigde oppervlakte (ha)").fill("2,5")
    second = page.get_by_role("group", name="Regel 2")
    second.get_by_label("Beschadigde oppervlakte (ha)").fill("1")
    second.get_by_label("Verloren hoeveelheid").fill("1234,5")
    second.get_by_label("Prijs per eenheid (€)").fill("0,185")
    shot(page, "report_form")
    page.get_by_role("button", name="Opslaan", exact=True).first.click()
    assert "Het rapport is opgeslagen" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Controleren en indienen").click()
    assert "€ 1.928,38" in page.locator("table.assessment-lines").inner_text()
    page.get_by_role("button", name="Definitief indienen").click()
    closes = zienswijze_deadline(today())
    assert f"{closes:%d-%m-%Y}" in page.get_by_role("status").inner_text()
    logout(page)

    log_in(page, live_server, "behandelaar@example.nl")
    page.goto(f"{live_server}/aanvragen/{seeded['claim_id']}")
    assert "Getaxeerd" in page.locator(".status-line").inner_text()
    lines = page.locator("table.assessment-lines").inner_text()
    assert "€ 1.700,00" in lines and "€ 228,38" in lines and "€ 1.928,38" in lines
    preview = page.locator("table.engine-preview").inner_text()
    assert "€ 1.928,38" in preview and "Uit te betalen als het zo blijft" in preview
    assert f"tot en met {dutch_date(closes)}" in page.locator("#zienswijze + p").inner_text()
    shot(page, "claim_with_preview")
    logout(page)

    log_in(page, live_server, "boer@example.nl")
    page.goto(f"{live_server}/aanvragen/{seeded['claim_id']}")
    page.get_by_role("link", name="Zienswijze geven").click()
    page.get_by_label("Uw zienswijze").fill("Op de kolganzenkant is meer schade.")
    page.get_by_role("button", name="Zienswijze versturen").click()
    assert "Uw zienswijze is ontvangen" in page.get_by_role("status").inner_text()
    section = page.get_by_role("region", name="Zienswijze op de taxatie").inner_text()
    assert "Op de kolganzenkant is meer schade." in section
    assert "Zienswijze op de taxatie gegeven" in page.locator(".timeline").inner_text()
    shot(page, "farmer_claim")
