"""Four eyes in the browser: officer A proposes, officer B approves, the farmer objects."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from faunaschade.clock import today
from faunaschade.extensions import db
from faunaschade.models import Claim
from tests.support.browser import logged_in
from tests.support.decisions import assessed_claim, bakker_and_officers

pytestmark = pytest.mark.browser


def _world(committed, *, window_open: bool = False) -> int:
    """Farmer, officers A and B and an assessed claim (its zienswijze window open or closed)."""
    with committed.app_context():
        users = bakker_and_officers()
        claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        if window_open:
            claim.zienswijze_deadline = today() + timedelta(days=5)
        db.session.commit()
        return claim.id


@pytest.fixture
def claim_id(committed):
    return _world(committed)


def test_propose_approve_object_in_the_browser(
    browser, live_server, claim_id, redis_conn, run_worker, smtp_server
):
    context_a, a = logged_in(browser, live_server, "a@example.nl")
    a.goto(f"{live_server}/aanvragen/{claim_id}")
    a.get_by_label("Motivering").fill("Schade conform taxatie.")
    a.get_by_role("button", name="Voorstel maken").click()
    assert "tweede behandelaar" in a.get_by_role("status").inner_text()
    a.wait_for_load_state()  # the status is at the top: the rest may still be arriving
    assert "vier-ogenprincipe" in a.content()
    assert a.get_by_role("button", name="Goedkeuren (tweede behandelaar)").count() == 0
    context_a.close()

    context_b, b = logged_in(browser, live_server, "b@example.nl")
    b.goto(f"{live_server}/aanvragen/{claim_id}")
    assert "€ 2.950,00" in b.locator("table.calculation").inner_text()
    b.get_by_role("button", name="Goedkeuren (tweede behandelaar)").click()
    assert "Het besluit is genomen" in b.get_by_role("status").inner_text()
    context_b.close()

    run_worker()
    context_f, farmer = logged_in(browser, live_server, "farmer@example.nl")
    farmer.goto(f"{live_server}/aanvragen/{claim_id}")
    assert "Toegekend" in farmer.locator("#besluit").locator("..").inner_text()
    assert farmer.get_by_role("link", name="PDF downloaden").count() >= 1
    farmer.get_by_label("Waarom bent u het niet eens met het besluit?").fill("Prijs te laag.")
    farmer.get_by_role("button", name="Bezwaar indienen").click()
    assert "Uw bezwaar is ontvangen" in farmer.get_by_role("status").inner_text()
    assert "Bezwaar in behandeling" in farmer.locator(".status-line").inner_text()
    context_f.close()


def test_a_refused_proposal_shows_its_error_in_view_and_keeps_the_reduction(
    browser, live_server, claim_id
):
    """Issue 14: the error was flashed at the top of the page, out of sight of the form at
    #besluit, and the reduction the officer typed was reset to 0."""
    context, a = logged_in(browser, live_server, "a@example.nl")
    a.goto(f"{live_server}/aanvragen/{claim_id}")
    a.get_by_label("Korting (%)").fill("12,5")
    a.get_by_role("button", name="Voorstel maken").click()

    summary = a.locator("#besluit").locator("..").locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    assert "Motivering: Motiveer de korting." in summary.inner_text()
    assert a.locator(".flashes").count() == 0
    expect(a.get_by_label("Korting (%)")).to_have_value("12,5")
    motivation = a.get_by_label("Motivering")
    expect(motivation).to_have_attribute("aria-invalid", "true")

    summary.get_by_role("link", name="Motivering").click()
    expect(motivation).to_be_focused()
    motivation.fill("Niet alle maatregelen onderhouden.")
    a.get_by_role("button", name="Voorstel maken").click()
    assert "tweede behandelaar" in a.get_by_role("status").inner_text()
    # The proposal carries the reduction typed before the refusal.
    expect(a.locator("table.calculation")).to_contain_text("12,5")
    context.close()


def test_the_farmer_agrees_and_the_officer_proposes_at_once(browser, live_server, committed):
    """Issue 14: "akkoord met de taxatie" closes the zienswijze window; before, the officer
    had to wait for its last day."""
    claim_id = _world(committed, window_open=True)
    context_a, a = logged_in(browser, live_server, "a@example.nl")
    a.goto(f"{live_server}/aanvragen/{claim_id}")
    a.get_by_label("Motivering").fill("Schade conform taxatie.")
    a.get_by_role("button", name="Voorstel maken").click()
    expect(a.locator("#voorstel-errors")).to_contain_text("termijn voor een zienswijze loopt nog")

    context_f, farmer = logged_in(browser, live_server, "farmer@example.nl")
    farmer.goto(f"{live_server}/aanvragen/{claim_id}")
    farmer.get_by_role("button", name="Akkoord met de taxatie").click()
    assert "U bent akkoord met de taxatie" in farmer.get_by_role("status").inner_text()
    expect(farmer.locator("#zienswijze").locator("..")).to_contain_text(
        "U bent akkoord gegaan met de taxatie op"
    )
    assert farmer.get_by_role("button", name="Akkoord met de taxatie").count() == 0
    context_f.close()

    a.goto(f"{live_server}/aanvragen/{claim_id}")
    expect(a.locator("#zienswijze").locator("..")).to_contain_text("akkoord gegaan met de taxatie")
    a.get_by_label("Motivering").fill("Schade conform taxatie.")
    a.get_by_role("button", name="Voorstel maken").click()
    assert "tweede behandelaar" in a.get_by_role("status").inner_text()
    context_a.close()


def test_a_refused_delay_notice_shows_its_error_at_the_date_and_keeps_it(
    browser, live_server, committed
):
    """Issue 14: the delay notice's refusal was flashed at the top of the page, the date lost."""
    claim_id = _world(committed)
    with committed.app_context():
        claim = db.session.get(Claim, claim_id)
        claim.backstop_deadline = today() + timedelta(days=5)  # a delay notice is due
        db.session.commit()
    context, a = logged_in(browser, live_server, "a@example.nl")
    a.goto(f"{live_server}/aanvragen/{claim_id}")
    a.get_by_label("Besluit uiterlijk op").fill((today() - timedelta(days=1)).isoformat())
    a.get_by_role("button", name="Verdagingsbericht versturen").click()

    summary = a.locator("#verdaging-errors")
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Kies een datum in de toekomst.")
    assert a.locator(".flashes").count() == 0
    field = a.get_by_label("Besluit uiterlijk op")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value((today() - timedelta(days=1)).isoformat())
    field.fill((today() + timedelta(days=30)).isoformat())
    a.get_by_role("button", name="Verdagingsbericht versturen").click()
    assert "verdagingsbericht" in a.get_by_role("status").inner_text().lower()
    context.close()
