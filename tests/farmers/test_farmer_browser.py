"""A new farmer in a real Chromium: register → parcel → claim → submit → pay → status."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.farmers import PASSWORD, recent_workday

pytestmark = pytest.mark.browser


def test_farmer_journey_in_the_browser(live_server, page, redis_conn, run_worker, smtp_server):
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Registreer als aanvrager").click()
    page.get_by_label("E-mailadres").fill("anna@melkvee.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Naam bedrijf of aanvrager").fill("Melkveebedrijf Anna")
    page.get_by_label("KvK-nummer").fill("01234567")
    page.get_by_label("IBAN").fill("NL91 ABNA 0417 1643 00")
    page.get_by_label("Straat en huisnummer").fill("Dijkweg 1")
    page.get_by_label("Postcode").fill("8501 AA")
    page.get_by_label("Plaats").fill("Joure")
    page.get_by_role("button", name="Registreren").click()
    assert "Uw registratie is ontvangen" in page.get_by_role("status").inner_text()
    page.get_by_label("E-mailadres").fill("anna@melkvee.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    page.get_by_role("link", name="Perceel toevoegen").click()
    page.get_by_label("Naam van het perceel").fill("Achter de schuur")
    page.get_by_label("Oppervlakte (hectare)").fill("4,2")
    page.get_by_label("Teelt").select_option(label="blijvend grasland")
    page.get_by_label("Gebruik").select_option(value="own")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("cell", name="Achter de schuur", exact=True)).to_be_visible()

    page.get_by_role("link", name="Schade melden: nieuwe aanvraag").click()
    page.get_by_label("Provincie").select_option(label="Fryslân")
    page.get_by_label("Teelt").select_option(label="blijvend grasland")
    page.get_by_label("Datum waarop u de schade ontdekte").fill(recent_workday().isoformat())
    page.get_by_label("grauwe gans").check()
    page.get_by_label(re.compile("^Achter de schuur")).check()
    page.get_by_label("Beschadigde oppervlakte (ha)").fill("2,5")
    page.get_by_label(re.compile("^Akoestisch")).check()
    page.get_by_label(re.compile("^Visueel")).check()
    page.get_by_role("button", name="Opslaan als concept").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Aanvraag FS-")
    reference = heading.removeprefix("Aanvraag ")
    assert "Concept" in page.locator(".status-line").inner_text()

    page.get_by_role("link", name="Indienen").click()
    # Waits for the next page: content() right after a click may read the one being left.
    expect(page.locator("main")).to_contain_text("7 werkdagen na ontdekking")
    page.get_by_role("button", name="Definitief indienen").click()
    assert "Wacht op betaling leges" in page.locator(".status-line").inner_text()

    page.get_by_role("button", name="Leges betalen (€ 300,00)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Betaalpagina"
    page.get_by_role("button", name="Betalen").click()
    assert "Ingediend, in behandeling" in page.locator(".status-line").inner_text()
    assert "Leges betaald (€ 300,00)" in page.locator(".timeline").inner_text()

    run_worker()
    page.reload()
    letter_link = page.get_by_role("link", name="PDF downloaden")
    expect(letter_link).to_be_visible()
    with page.expect_download() as download:
        letter_link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert reference in smtp_server.wait_for(1)[0]["Subject"]


def test_registration_errors_are_shown_next_to_each_field(live_server, page):
    page.goto(f"{live_server}/registreren")
    page.get_by_label("KvK-nummer").fill("123")
    page.get_by_label("IBAN").fill("NL91ABNA0417164301")
    page.get_by_role("button", name="Registreren").click()
    summary = page.get_by_role("alert").inner_text()
    assert "KvK-nummer" in summary and "IBAN" in summary and "E-mailadres" in summary
    kvk = page.get_by_label("KvK-nummer")
    assert kvk.get_attribute("aria-invalid") == "true"
    assert kvk.input_value() == "123"


def test_registration_shows_every_error_at_once_and_keeps_the_password(live_server, page):
    """Issue 14: the password was checked only after the other fields, in a second round, and
    its field was emptied every round."""
    page.goto(f"{live_server}/registreren")
    page.get_by_label("E-mailadres").fill("anna@melkvee.nl")
    page.get_by_label("Wachtwoord").fill("kort")
    page.get_by_label("Naam bedrijf of aanvrager").fill("Melkveebedrijf Anna")
    page.get_by_label("KvK-nummer").fill("123")
    page.get_by_label("IBAN").fill("NL91 ABNA 0417 1643 01")
    page.get_by_label("Straat en huisnummer").fill("Dijkweg 1")
    page.get_by_label("Postcode").fill("8501 AA")
    page.get_by_label("Plaats").fill("Joure")
    page.get_by_label("Telefoonnummer").fill("0612")
    page.get_by_role("button", name="Registreren").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text(["Wachtwoord", "KvK-nummer", "IBAN", "Telefoonnummer"])
    for name in ("Wachtwoord", "KvK-nummer", "IBAN", "Telefoonnummer"):
        expect(page.get_by_label(name)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Wachtwoord")).to_have_value("kort")
    expect(page.get_by_label("Telefoonnummer")).to_have_value("0612")

    # Put right what was refused, leaving the password as it is typed now: it stays.
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("KvK-nummer").fill("1234567")
    page.get_by_role("button", name="Registreren").click()
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(
        ["KvK-nummer", "IBAN", "Telefoonnummer"]
    )
    expect(page.get_by_label("Wachtwoord")).to_have_value(PASSWORD)
    summary.get_by_role("link", name="IBAN").click()
    expect(page.get_by_label("IBAN")).to_be_focused()

    page.get_by_label("KvK-nummer").fill("01234567")
    page.get_by_label("IBAN").fill("NL91 ABNA 0417 1643 00")
    page.get_by_label("Telefoonnummer").fill("06 1234 5678")
    page.get_by_role("button", name="Registreren").click()
    assert "Uw registratie is ontvangen" in page.get_by_role("status").inner_text()
    page.get_by_label("E-mailadres").fill("anna@melkvee.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("link", name="Mijn percelen")).to_be_visible()
