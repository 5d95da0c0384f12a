"""A melding in a real Chromium: the farmer reports damage (a refused estimate comes back in
place), later turns the melding into a claim and sees the deadline counted from the discovery
day — on 'day 9' the claim is late, exactly as a claim filed with that discovery day; the
officer reads the melding among those of the province."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from faunaschade import clock, rules
from faunaschade.accounts.users import create_user
from faunaschade.extensions import db
from faunaschade.models import Claim, DamageReport, Parcel, Role, Tenure
from faunaschade.rules.amounts import dutch_date
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import logged_in
from tests.support.farmers import make_farm

pytestmark = pytest.mark.browser


@pytest.fixture
def farm(committed) -> dict[str, int]:
    """A farmer with parcel Bosrand (Gelderland, snijmaïs) and a Gelderland officer."""
    with committed.app_context():
        profile = make_farm(
            "boer@example.nl", "Boer", "Boerderij De Bosrand", "Bosweg 1", "6700 AA", "Wageningen"
        )
        create_user("behandelaar@example.nl", DEMO_PASSWORD, Role.OFFICER, ("GE",), name="Els")
        parcel = Parcel(
            farmer_id=profile.id,
            name="Bosrand",
            area_ha=Decimal("6"),
            crop="snijmais",
            province="GE",
            tenure=Tenure.OWN,
        )
        db.session.add(parcel)
        db.session.commit()
        return {"parcel": parcel.id}


def nine_working_days_ago(today: date) -> date:
    """A discovery day whose claim deadline (7 working days) passed before today."""
    day = today - timedelta(days=1)
    while rules.submission_deadline(day) >= today:
        day -= timedelta(days=1)
    return day


def test_the_farmer_reports_then_turns_the_melding_into_a_late_claim(
    browser, live_server, committed, farm
):
    discovered = nine_working_days_ago(clock.today())
    deadline = rules.submission_deadline(discovered)
    context, page = logged_in(browser, live_server, "boer@example.nl")
    page.get_by_role("link", name="Mijn aanvragen").click()
    page.get_by_role("link", name="Schade melden (zonder aanvraag)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schade melden")

    page.get_by_label("Datum waarop u de schade ontdekte").fill(discovered.isoformat())
    page.get_by_label("wild zwijn").check()
    page.get_by_label(re.compile("^Bosrand")).check()
    page.locator(f"#f-damaged_area_ha_{farm['parcel']}").fill("1,5")
    page.get_by_label("Geschatte schade (euro)").fill("veel geld")
    page.get_by_label("Toelichting").fill("Zwijnen hebben de rand omgewoeld.")
    page.get_by_role("button", name="Melding opslaan").click()

    # Refused in place: the summary has the focus, names the field, and what was typed stays.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Geschatte schade (euro)")).to_be_visible()
    expect(page.get_by_label("Toelichting")).to_have_value("Zwijnen hebben de rand omgewoeld.")
    expect(page.get_by_label("wild zwijn")).to_be_checked()
    summary.get_by_role("link", name="Geschatte schade (euro)").click()
    estimate = page.get_by_label("Geschatte schade (euro)")
    expect(estimate).to_be_focused()
    estimate.fill("1.250,00")
    page.get_by_role("button", name="Melding opslaan").click()

    with committed.app_context():
        reference = db.session.scalar(select(DamageReport.reference))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Melding {reference}")
    expect(page.get_by_text(f"Uw melding {reference} is opgeslagen")).to_be_visible()
    expect(page.get_by_text("€ 1.250,00")).to_be_visible()
    # Already past the claim's deadline (a melding itself has none): the page says so.
    expect(page.get_by_text(f"liep af op {dutch_date(deadline)}")).to_be_visible()

    # Later: from the list of meldingen, the farmer makes a claim of it.
    page.get_by_role("link", name="Mijn meldingen").click()
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Aanvraag indienen voor deze schade").click()

    with committed.app_context():
        claim = db.session.scalar(select(Claim))
        claim_ref, claim_id = claim.reference, claim.id
        assert claim.discovered_on == discovered and claim.submission_deadline == deadline
    page.wait_for_url(f"**/aanvragen/{claim_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Aanvraag {claim_ref}")
    expect(page.get_by_text(f"Aanvraag {claim_ref} is als concept gemaakt")).to_be_visible()
    origin = page.locator(".claim-origin")
    expect(origin.get_by_role("link", name=reference)).to_be_visible()
    expect(origin).to_contain_text(dutch_date(discovered))
    # The deadline and the late warning come from the melding's discovery day.
    facts = page.locator("dl.deadlines")
    expect(facts.get_by_role("term").first).to_have_text("Indienen uiterlijk")
    expect(facts.get_by_role("definition").first).to_have_text(dutch_date(deadline))
    warning = page.get_by_role("note").filter(has_text="De termijn om in te dienen was")
    expect(warning).to_contain_text(f"{deadline:%d-%m-%Y}")
    expect(page.get_by_text("Schade ontdekt op")).to_be_visible()
    expect(page.locator("dl.facts").first).to_contain_text(dutch_date(discovered))
    expect(page.get_by_role("cell", name="Bosrand")).to_be_visible()

    # Submitting asks to acknowledge the late claim, as for any late claim.
    page.get_by_role("link", name="Indienen").click()
    expect(page.get_by_text(re.compile("te laat", re.IGNORECASE)).first).to_be_visible()

    # The melding now links to its claim; no second claim can be made from it.
    page.get_by_role("link", name="Mijn meldingen").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("link", name=claim_ref)).to_be_visible()
    expect(page.get_by_role("button", name="Aanvraag indienen voor deze schade")).to_have_count(0)
    context.close()

    # The officer of Gelderland reads it among the province's meldingen, filtered.
    staff, officer = logged_in(browser, live_server, "behandelaar@example.nl")
    officer.get_by_role("link", name="Meldingen").click()
    officer.get_by_label("Diersoort", exact=True).select_option(label="wild zwijn")
    officer.get_by_label("Maand van ontdekking").fill(f"{discovered:%Y-%m}")
    officer.get_by_role("button", name="Toon meldingen").click()
    row = officer.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Boerderij De Bosrand")
    expect(row.get_by_role("link", name=claim_ref)).to_be_visible()
    officer.get_by_role("link", name=reference).click()
    expect(officer.get_by_role("button", name="Aanvraag indienen voor deze schade")).to_have_count(
        0
    )
    staff.close()
