"""Machtigingen in Chromium: the farmer authorises a contractor, who files a claim and objects
to a decision for the farmer; the farmer revokes, and the contractor's claim page is a 404."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from faunaschade.accounts.users import create_user
from faunaschade.extensions import db
from faunaschade.models import AuditEvent, Claim, Parcel, Role, Tenure
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import logged_in
from tests.support.claims import claim_in_status
from tests.support.decisions import drenthe_people
from tests.support.farmers import recent_workday

pytestmark = pytest.mark.browser


@pytest.fixture
def world(committed) -> dict:
    """A farmer with a decided claim and a parcel in Drenthe; a contractor without a farm."""
    with committed.app_context():
        people = drenthe_people("a", "b", farmer_name="Maatschap Akkerland")
        create_user("loon@example.nl", DEMO_PASSWORD, Role.FARMER, name="Loonbedrijf Jansen")
        claim = claim_in_status("decided", people, session=db.session)
        parcel = Parcel(
            farmer_id=claim.farmer_id,
            name="Noordkamp",
            area_ha=Decimal("3"),
            crop="blijvend_grasland",
            province="DR",
            tenure=Tenure.OWN,
        )
        db.session.add(parcel)
        db.session.commit()
        return {"claim_id": claim.id, "farmer_id": claim.farmer_id, "parcel_id": parcel.id}


def test_representative_files_and_objects_then_loses_access(browser, live_server, world, committed):
    farmer_context, farmer = logged_in(browser, live_server, "farmer@example.nl")
    farmer.get_by_role("link", name="Machtigingen").click()
    # A typing error first: named on the field, nothing stored.
    farmer.get_by_label("E-mailadres van de gemachtigde").fill("niemand@example.nl")
    farmer.get_by_role("button", name="Machtiging geven").click()
    assert "Er is geen account met dit e-mailadres" in farmer.get_by_role("alert").inner_text()
    farmer.get_by_label("E-mailadres van de gemachtigde").fill("loon@example.nl")
    farmer.get_by_role("button", name="Machtiging geven").click()
    assert "De machtiging is vastgelegd" in farmer.get_by_role("status").inner_text()
    assert "Loonbedrijf Jansen" in farmer.locator("table.authorisations").inner_text()

    rep_context, rep = logged_in(browser, live_server, "loon@example.nl")
    rep.goto(f"{live_server}/ik-handel-namens")
    assert "Maatschap Akkerland" in rep.locator("main").inner_text()
    rep.get_by_role("link", name="Nieuwe aanvraag voor Maatschap Akkerland").click()
    assert "U handelt namens Maatschap Akkerland" in rep.locator("main").inner_text()
    rep.get_by_label("Datum waarop u de schade ontdekte").fill(recent_workday().isoformat())
    rep.get_by_label("grauwe gans").check()
    rep.get_by_label(re.compile("^Akoestisch")).check()
    rep.get_by_label(re.compile("^Visueel")).check()
    rep.get_by_label(re.compile("^Noordkamp")).check()
    rep.locator(f"#f-damaged_area_ha_{world['parcel_id']}").fill("1,5")
    rep.get_by_role("button", name="Opslaan als concept").click()
    assert "opgeslagen" in rep.get_by_role("status").inner_text()
    assert "u handelt namens deze aanvrager" in rep.locator("main").inner_text()

    rep.goto(f"{live_server}/aanvragen")
    listed = rep.locator("table").inner_text()
    assert listed.count("namens Maatschap Akkerland") == 2

    rep.goto(f"{live_server}/aanvragen/{world['claim_id']}")
    rep.get_by_label("Waarom bent u het niet eens met het besluit?").fill("Prijs te laag.")
    rep.get_by_role("button", name="Bezwaar indienen").click()
    assert "Uw bezwaar is ontvangen" in rep.get_by_role("status").inner_text()
    assert "Bezwaar in behandeling" in rep.locator(".status-line").inner_text()

    farmer.reload()
    farmer.get_by_role("button", name=re.compile("^Intrekken")).click()
    assert "De machtiging is ingetrokken" in farmer.get_by_role("status").inner_text()
    assert "ingetrokken op" in farmer.locator("table.authorisations").inner_text()
    farmer_context.close()

    answer = rep.goto(f"{live_server}/aanvragen/{world['claim_id']}")
    assert answer.status == 404
    assert "Aanvraag niet gevonden" in rep.locator("main").inner_text()
    rep.goto(f"{live_server}/aanvragen")
    assert "Maatschap Akkerland" not in rep.locator("main").inner_text()
    rep_context.close()

    with committed.app_context():
        filed = db.session.scalar(
            select(Claim).where(Claim.farmer_id == world["farmer_id"]).order_by(Claim.id.desc())
        )
        assert filed.id != world["claim_id"]
        created = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.claim_id == filed.id, AuditEvent.action == "claim.created"
            )
        )
        assert created.data["on_behalf_of"] == world["farmer_id"]
