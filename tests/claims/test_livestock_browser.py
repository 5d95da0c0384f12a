"""A wolf claim in a real Chromium, every step in the web pages: the keeper reports, the officer
records the finding and orders the assessment, the assessor fills in the animals and submits,
the keeper reads the confirmation and answers, two officers decide, the letter is read back.

Before issue 14 the assessor's step had to go through the API (the page was the crop form)."""

import json
import re
import urllib.request
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from faunaschade.accounts.users import create_user
from faunaschade.clock import AMSTERDAM, today
from faunaschade.extensions import db
from faunaschade.models import FarmerProfile, Role
from faunaschade.money import format_eur
from faunaschade.rules.prices import price_table_for
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import logged_in

pytestmark = pytest.mark.browser


@pytest.fixture
def people(committed, redis_conn):
    with committed.app_context():
        farmer = create_user("herder@example.nl", DEMO_PASSWORD, Role.FARMER, name="Herder")
        db.session.add(
            FarmerProfile(
                user_id=farmer.id,
                name="Schaapskooi Veluwe",
                kvk="01234567",
                iban="NL91ABNA0417164300",
                address="Heideweg 2",
                postcode="6731 AA",
                city="Otterlo",
            )
        )
        create_user("a@gelderland.nl", DEMO_PASSWORD, Role.OFFICER, ["GE"], name="Anna")
        create_user("b@gelderland.nl", DEMO_PASSWORD, Role.OFFICER, ["GE"], name="Bas")
        create_user("tim@bureau.nl", DEMO_PASSWORD, Role.ASSESSOR, name="Tim Taxateur")
        db.session.commit()


def _facts(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def _download(page, letter: str, pdf_text) -> str:
    """The text of a letter downloaded from the claim page's list of letters."""
    item = page.locator("h2:text-is('Brieven') + ul > li", has_text=letter)
    with page.expect_download() as download:
        item.get_by_role("link", name="PDF downloaden").click()
    with open(download.value.path(), "rb") as pdf:
        return " ".join(pdf_text(pdf.read()).split())


def _animal(page, row: int, **choices: str) -> None:
    """Fill in one animal row of the report by its fields' ids."""
    for name, value in choices.items():
        field = page.locator(f"#f-animal-{row}-{name}")
        if name == "pregnant":
            field.check()
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def test_wolf_claim_from_report_to_decision_letter_in_the_web_pages(
    browser, live_server, people, run_worker, smtp_server, pdf_text
):
    # The keeper reports the attack: the claim is submitted at once (no leges).
    farmer_context, farmer = logged_in(browser, live_server, "herder@example.nl")
    farmer.get_by_role("link", name="Schade aan dieren melden (wolf)").click()
    farmer.get_by_label("Provincie").select_option(label="Gelderland")
    found = datetime.now(AMSTERDAM) - timedelta(hours=2)
    farmer.get_by_label("Datum waarop u de dieren vond").fill(found.date().isoformat())
    farmer.get_by_label("Tijdstip").fill(found.strftime("%H:%M"))
    farmer.get_by_label("Aantal dode of gewonde dieren").fill("2")
    farmer.get_by_label("Wat heeft u gezien?").fill("Twee ooien gebeten bij het hek, één leeft.")
    farmer.get_by_role("button", name="Melding versturen").click()
    assert "Uw melding is ontvangen" in farmer.get_by_role("status").inner_text()
    claim_url = farmer.url
    facts = _facts(farmer)
    assert "Dieren gevonden op" in facts and "Gemeld op" in facts
    assert "Dode of gewonde dieren gemeld 2" in facts
    assert "Teelt" not in facts and "None" not in facts and "Percelen met schade" not in facts

    # The officer records the DNA outcome and orders the assessment.
    officer_context, officer = logged_in(browser, live_server, "a@gelderland.nl")
    officer.goto(claim_url)
    officer.get_by_label("Uitkomst", exact=True).select_option(label="Wolf (zeker)")
    officer.get_by_label("Datum veldbezoek").fill(today().isoformat())
    officer.get_by_role("button", name="Uitkomst vastleggen").click()
    facts = _facts(officer)
    assert "Veldbezoek en DNA-onderzoek wolf (zeker)" in facts
    assert "Teelt" not in facts and "Percelen met schade" not in facts
    officer.get_by_role("link", name="Taxatie opdragen").click()
    officer.get_by_label(re.compile("^Tim Taxateur")).check()
    officer.get_by_role("button", name="Taxatie opdragen").click()
    officer_context.close()

    # The assessor fills in the livestock report: the value shows as the animal is chosen.
    assessor_context, assessor = logged_in(browser, live_server, "tim@bureau.nl")
    assessor.get_by_role("link", name="Mijn taxaties").click()
    assessor.locator("table").get_by_role("link").first.click()
    expect(assessor.get_by_role("heading", level=1)).to_contain_text("schade aan dieren")
    table = price_table_for(today())
    ewe = table.value("schaap", "stamboek", "female", "volwassen", True)
    young = table.value("schaap", "gebruiksras", "female", "jong")
    assessor.locator("#f-visit-0-date").fill(today().isoformat())
    _animal(
        assessor,
        0,
        animal="ooi-1",
        outcome="killed",
        animal_kind="schaap",
        breed_group="stamboek",
        sex="female",
        age_class="volwassen",
    )
    expect(assessor.locator("#f-animal-0-value")).to_have_text(
        format_eur(table.value("schaap", "stamboek", "female", "volwassen"))
    )
    _animal(assessor, 0, pregnant="1", carcass_removal="45,00")
    expect(assessor.locator("#f-animal-0-value")).to_have_text(format_eur(ewe))
    assessor.get_by_role("button", name="Opslaan en dier toevoegen").click()
    assert "Het rapport is opgeslagen" in assessor.locator(".flashes").inner_text()
    _animal(
        assessor,
        1,
        animal="ooi-2",
        outcome="injured",
        animal_kind="schaap",
        breed_group="gebruiksras",
        sex="female",
        age_class="jong",
        vet_costs="400",
    )
    assessor.get_by_role("button", name="Opslaan", exact=True).first.click()
    total = ewe + Decimal("45.00") + min(Decimal("400"), young)
    assert f"samen {format_eur(total)} vastgestelde schade" in _facts(assessor)
    # After saving, each row shows its value (the server renders it; tests/assessments check it
    # without a browser).
    expect(assessor.locator("#f-animal-1-value")).to_have_text(format_eur(young))
    assessor.get_by_role("link", name="Controleren en indienen").click()
    assert "ooi-2" in _facts(assessor)
    assessor.get_by_role("button", name="Definitief indienen").click()
    assert "is ingediend" in assessor.locator(".flashes").inner_text()
    assessor_context.close()
    run_worker()

    # The keeper sees the animals and the total, reads the confirmation and answers.
    farmer.goto(claim_url)
    section = " ".join(farmer.locator("#taxatie").locator("..").inner_text().split())
    assert "Vastgestelde schade aan dieren" in section and "ooi-1" in section
    assert format_eur(total) in section
    letter = _download(farmer, "Bevestiging taxatie", pdf_text)
    assert "De taxateur heeft de dode en gewonde dieren bekeken" in letter
    assert f"Totaal vastgestelde schade {format_eur(total)}" in letter
    assert "percelen" not in letter
    farmer.get_by_role("link", name="Zienswijze geven").click()
    farmer.get_by_label("Uw zienswijze").fill("Akkoord met de taxatie.")
    farmer.get_by_role("button", name="Zienswijze versturen").click()

    # Two officers decide.
    officer_context, officer = logged_in(browser, live_server, "a@gelderland.nl")
    officer.goto(claim_url)
    officer.get_by_label("Motivering").fill("Wolf zeker; taxatie volgens de prijstabel.")
    officer.get_by_role("button", name="Voorstel maken").click()
    officer_context.close()
    second_context, second = logged_in(browser, live_server, "b@gelderland.nl")
    second.goto(claim_url)
    assert format_eur(total) in second.locator("table.calculation").inner_text()
    second.get_by_role("button", name="Goedkeuren (tweede behandelaar)").click()
    assert "Het besluit is genomen" in second.get_by_role("status").inner_text()
    second_context.close()

    # The decision letter, read back from the PDF.
    run_worker()
    farmer.goto(claim_url)
    assert "Toegekend" in farmer.content()
    letter = _download(farmer, "Besluit", pdf_text)
    assert "schade die een wolf aan uw dieren heeft toegebracht" in letter
    assert "Dit besluit gaat over deze dieren" in letter and "ooi-1" in letter
    assert f"Totaal vastgestelde schade {format_eur(total)}" in letter
    assert f"Het bedrag van de tegemoetkoming is {format_eur(total)}" in letter
    farmer_context.close()


AXE = Path(__file__).resolve().parents[1] / "platform" / "a11y" / "axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  resultTypes: ['violations'],
})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""


def _api(base: str, method: str, path: str, body: dict | None = None, token: str = "") -> dict:
    request = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(body or {}).encode(),
        method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _token(base: str, email: str) -> str:
    body = {"email": email, "password": DEMO_PASSWORD}
    return _api(base, "POST", "/api/v1/auth/token", body)["token"]


def test_the_wolf_pages_have_no_wcag_21_aa_violations(browser, live_server, people):
    """The livestock report (empty, with errors, saved) and the wolf claim page, in Dutch and
    English, checked by axe-core as tests/platform/test_accessibility.py does (set up through
    the API: the journey itself is the test above)."""
    base = live_server
    found = datetime.now(AMSTERDAM) - timedelta(hours=1)
    claim = _api(
        base,
        "POST",
        "/api/v1/claims/livestock",
        {
            "province": "GE",
            "discovered_at": found.isoformat(),
            "species": ["wolf"],
            "animals": 1,
            "description": "Een ooi dood.",
        },
        _token(base, "herder@example.nl"),
    )
    order = _api(
        base,
        "POST",
        f"/api/v1/claims/{claim['id']}/assessment-order",
        {"assessor_email": "tim@bureau.nl"},
        _token(base, "a@gelderland.nl"),
    )
    report_url = f"{base}/taxaties/{order['assessment_id']}"
    problems: list[str] = []
    for email, checks in (
        ("tim@bureau.nl", ("empty", "errors", "saved")),
        ("herder@example.nl", ("claim",)),
        ("a@gelderland.nl", ("claim",)),
    ):
        # axe comes in as a script tag, which the CSP (script-src 'self') would block.
        context, page = logged_in(browser, base, email, bypass_csp=True)
        for language in ("nl", "en"):
            for check in checks:
                if check == "claim":
                    page.goto(f"{base}/aanvragen/{claim['id']}")
                else:
                    page.goto(report_url)
                if check == "errors":
                    _animal(page, 0, animal="ooi-1", animal_kind="schaap", vet_costs="veel")
                    page.locator("button[value=save]").first.click()
                    expect(
                        page.locator("#error-summary a[href='#f-animal-0-vet_costs']")
                    ).to_be_visible()
                if check == "saved":
                    page.locator("#f-visit-0-date").fill(today().isoformat())
                    _animal(
                        page,
                        0,
                        animal="ooi-1",
                        outcome="killed",
                        animal_kind="schaap",
                        breed_group="gebruiksras",
                        sex="female",
                        age_class="volwassen",
                        vet_costs="",
                    )
                    page.locator("button[value=save]").first.click()
                    expect(page.locator(".flashes .flash-success")).to_be_visible()
                page.add_script_tag(path=str(AXE))
                problems += [f"{email} {language} {check}: {v}" for v in page.evaluate(AXE_RUN)]
            if language == "nl":
                page.locator("form.lang-switch button").click()
                page.wait_for_load_state()
                assert page.locator("html").get_attribute("lang") == "en"
        context.close()
    assert problems == []
