"""The wolf finding form refused, in Chromium: the error summary inside the field-visit section,
in view and focused (the form posts to #veldbezoek-errors), its link to the date field, what was
typed kept; corrected, the finding is recorded."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from faunaschade.accounts.users import create_user
from faunaschade.claims.livestock import report_livestock_damage
from faunaschade.clock import AMSTERDAM, today
from faunaschade.extensions import db
from faunaschade.models import FarmerProfile, Role
from faunaschade.models.base import utcnow
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import logged_in

pytestmark = pytest.mark.browser


@pytest.fixture
def claim_id(committed, redis_conn):
    with committed.app_context():
        farmer = create_user("herder@example.nl", DEMO_PASSWORD, Role.FARMER, name="Herder")
        create_user("o@example.nl", DEMO_PASSWORD, Role.OFFICER, ("DR",), name="Olga")
        profile = FarmerProfile(
            user_id=farmer.id,
            name="Schaapskooi Drenthe",
            kvk="01234567",
            iban="NL91ABNA0417164300",
            address="Heideweg 2",
            postcode="9401 AA",
            city="Assen",
        )
        db.session.add(profile)
        db.session.flush()
        found = (utcnow() - timedelta(hours=3)).astimezone(AMSTERDAM)
        data = {"province": "DR", "discovered_at": found, "species": ["wolf"], "animals": 2}
        claim = report_livestock_damage(profile, {**data, "description": "Twee ooien."}, farmer)
        db.session.commit()
        return claim.id


def test_a_refused_finding_shows_its_error_in_view_and_keeps_what_was_typed(
    browser, live_server, claim_id
):
    context, page = logged_in(browser, live_server, "o@example.nl")
    page.goto(f"{live_server}/aanvragen/{claim_id}")
    page.get_by_label("Uitkomst", exact=True).select_option(label="Hond")
    page.get_by_label("Opmerkingen").fill("Pootafdrukken van een hond.")
    page.get_by_role("button", name="Uitkomst vastleggen").click()

    summary = page.locator("#veldbezoek-errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    assert page.locator(".flashes").count() == 0
    expect(page.get_by_label("Uitkomst", exact=True)).to_have_value("dog")
    expect(page.get_by_label("Opmerkingen")).to_have_value("Pootafdrukken van een hond.")
    visited = page.get_by_label("Datum veldbezoek")
    expect(visited).to_have_attribute("aria-invalid", "true")

    summary.get_by_role("link", name="Datum veldbezoek").click()
    expect(visited).to_be_focused()
    visited.fill(today().isoformat())
    page.get_by_role("button", name="Uitkomst vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("vastgelegd")
    expect(page.locator("section[aria-labelledby=dna]")).to_contain_text("Uitkomst: Hond")
    context.close()
