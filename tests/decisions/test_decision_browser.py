"""Four eyes in the browser: officer A proposes, officer B approves, the farmer objects."""

import pytest

from faunaschade.accounts.users import create_user
from faunaschade.extensions import db
from faunaschade.models import FarmerProfile, Role
from tests.support.app import DEMO_PASSWORD
from tests.support.decisions import assessed_claim

pytestmark = pytest.mark.browser


@pytest.fixture
def claim_id(committed):
    with committed.app_context():
        users = {
            n: create_user(f"{n}@example.nl", DEMO_PASSWORD, r, p, name=name)
            for n, r, p, name in [
                ("farmer", Role.FARMER, (), "Boer Bakker"),
                ("a", Role.OFFICER, ("DR",), "Anna A"),
                ("b", Role.OFFICER, ("DR",), "Bert B"),
                ("assessor", Role.ASSESSOR, (), "T"),
            ]
        }
        db.session.add(
            FarmerProfile(
                user_id=users["farmer"].id,
                name="Boer Bakker",
                kvk="01234567",
                iban="NL91ABNA0417164300",
                address="Dijk 1",
                postcode="9401 AA",
                city="Assen",
            )
        )
        claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        db.session.commit()
        return claim.id


def _login(browser, live_server: str, who: str):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mailadres").fill(f"{who}@example.nl")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    return context, page


def test_propose_approve_object_in_the_browser(
    browser, live_server, claim_id, redis_conn, run_worker, smtp_server
):
    context_a, a = _login(browser, live_server, "a")
    a.goto(f"{live_server}/aanvragen/{claim_id}")
    a.get_by_label("Motivering").fill("Schade conform taxatie.")
    a.get_by_role("button", name="Voorstel maken").click()
    assert "tweede behandelaar" in a.get_by_role("status").inner_text()
    assert "vier-ogenprincipe" in a.content()
    assert a.get_by_role("button", name="Goedkeuren (tweede behandelaar)").count() == 0
    context_a.close()

    context_b, b = _login(browser, live_server, "b")
    b.goto(f"{live_server}/aanvragen/{claim_id}")
    assert "€ 2.950,00" in b.locator("table.calculation").inner_text()
    b.get_by_role("button", name="Goedkeuren (tweede behandelaar)").click()
    assert "Het besluit is genomen" in b.get_by_role("status").inner_text()
    context_b.close()

    run_worker()
    context_f, farmer = _login(browser, live_server, "farmer")
    farmer.goto(f"{live_server}/aanvragen/{claim_id}")
    assert "Toegekend" in farmer.locator("#besluit").locator("..").inner_text()
    assert farmer.get_by_role("link", name="PDF downloaden").count() >= 1
    farmer.get_by_label("Waarom bent u het niet eens met het besluit?").fill("Prijs te laag.")
    farmer.get_by_role("button", name="Bezwaar indienen").click()
    assert "Uw bezwaar is ontvangen" in farmer.get_by_role("status").inner_text()
    assert "Bezwaar in behandeling" in farmer.locator(".status-line").inner_text()
    context_f.close()
