"""A wolf claim in a real Chromium: report → finding → assessment (tablet API) → decision letter."""

import json
import re
import urllib.request
from datetime import datetime, timedelta

import pytest

from faunaschade.accounts.users import create_user
from faunaschade.clock import AMSTERDAM, today
from faunaschade.extensions import db
from faunaschade.models import FarmerProfile, Role
from faunaschade.money import format_eur
from faunaschade.rules.prices import price_table_for
from tests.support.app import DEMO_PASSWORD

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


def _login(browser, base: str, email: str):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    return context, page


def _api(base: str, method: str, path: str, body: dict, token: str | None = None) -> dict:
    request = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_wolf_claim_from_report_to_decision_letter(
    browser, live_server, people, run_worker, smtp_server
):
    farmer_context, farmer = _login(browser, live_server, "herder@example.nl")
    farmer.get_by_role("link", name="Schade aan dieren melden (wolf)").click()
    farmer.get_by_label("Provincie").select_option(label="Gelderland")
    found = datetime.now(AMSTERDAM) - timedelta(hours=1)
    farmer.get_by_label("Datum waarop u de dieren vond").fill(found.date().isoformat())
    farmer.get_by_label("Tijdstip").fill(found.strftime("%H:%M"))
    farmer.get_by_label("Aantal dode of gewonde dieren").fill("1")
    farmer.get_by_label("Wat heeft u gezien?").fill("Een ooi doodgebeten bij het hek.")
    farmer.get_by_role("button", name="Melding versturen").click()
    assert "Uw melding is ontvangen" in farmer.get_by_role("status").inner_text()
    claim_url = farmer.url
    claim_id = int(claim_url.rstrip("/").rsplit("/", 1)[-1])

    officer_context, officer = _login(browser, live_server, "a@gelderland.nl")
    officer.goto(claim_url)
    officer.get_by_label("Uitkomst", exact=True).select_option(label="Wolf (zeker)")
    officer.get_by_label("Datum veldbezoek").fill(today().isoformat())
    officer.get_by_role("button", name="Uitkomst vastleggen").click()
    assert "Wolf (zeker)" in officer.locator("#dna").locator("..").inner_text()
    officer.get_by_role("link", name="Taxatie opdragen").click()
    officer.get_by_label(re.compile("^Tim Taxateur")).check()
    officer.get_by_role("button", name="Taxatie opdragen").click()
    officer_context.close()

    # The assessor's tablet talks to the API.
    token = _api(
        live_server,
        "POST",
        "/api/v1/auth/token",
        {"email": "tim@bureau.nl", "password": DEMO_PASSWORD},
    )["token"]
    request = urllib.request.Request(
        f"{live_server}/api/v1/assessments", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        listed = json.loads(response.read())
    items = listed["items"] if isinstance(listed, dict) else listed
    assessment = next(item for item in items if item["claim_id"] == claim_id)
    _api(
        live_server,
        "PUT",
        f"/api/v1/assessments/{assessment['id']}/report",
        {
            "visits": [{"date": today().isoformat(), "remarks": "Ooi dood, DNA genomen."}],
            "animals": [
                {
                    "species": "wolf",
                    "animal": "ooi-1",
                    "animal_kind": "schaap",
                    "breed_group": "stamboek",
                    "sex": "female",
                    "age_class": "volwassen",
                    "pregnant": True,
                    "outcome": "killed",
                    "carcass_removal": "45.00",
                }
            ],
        },
        token,
    )
    _api(live_server, "POST", f"/api/v1/assessments/{assessment['id']}/submit", {}, token)

    farmer.goto(claim_url)
    farmer.get_by_role("link", name=re.compile("zienswijze", re.I)).first.click()
    farmer.get_by_label(re.compile("zienswijze", re.I)).first.fill("Akkoord.")
    farmer.get_by_role("button", name=re.compile("versturen|indienen", re.I)).first.click()

    officer_context, officer = _login(browser, live_server, "a@gelderland.nl")
    officer.goto(claim_url)
    officer.get_by_label("Motivering").fill("Wolf zeker; taxatie volgens prijstabel.")
    officer.get_by_role("button", name="Voorstel maken").click()
    officer_context.close()
    second_context, second = _login(browser, live_server, "b@gelderland.nl")
    second.goto(claim_url)
    ewe = price_table_for(today()).value("schaap", "stamboek", "female", "volwassen", True)
    assert format_eur(ewe + 45) in second.locator("table.calculation").inner_text()
    second.get_by_role("button", name="Goedkeuren (tweede behandelaar)").click()
    assert "Het besluit is genomen" in second.get_by_role("status").inner_text()
    second_context.close()

    run_worker()
    farmer.goto(claim_url)
    assert "Toegekend" in farmer.content()
    with farmer.expect_download() as download:
        farmer.get_by_role("link", name="PDF downloaden").last.click()
    assert download.value.suggested_filename.endswith(".pdf")
    farmer_context.close()
