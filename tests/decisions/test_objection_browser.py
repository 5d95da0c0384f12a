"""The objection procedure in the browser (issue 15, part 4b): the farmer objects on a paid
claim; officer A plans the hearing, moves it, records its report on the hearing day and proposes
deels gegrond with a higher corrected damage; officer B sees the difference and approves; the
farmer sees the decision on objection, its outcome and letter; the next batch pays exactly the
difference."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from faunaschade.clock import today
from faunaschade.decisions import objections
from faunaschade.extensions import db
from faunaschade.models import (
    AuditEvent,
    Claim,
    ClaimStatus,
    Decision,
    Letter,
    LetterKind,
    PaymentBatchItem,
    Proposal,
    User,
)
from faunaschade.money import format_eur
from faunaschade.payouts import batches
from tests.support.browser import logged_in
from tests.support.decisions import bakker_and_officers, decided_claim

pytestmark = pytest.mark.browser


def _officers(names: tuple[str, ...]) -> tuple[User, ...]:
    return tuple(
        db.session.scalar(select(User).where(User.email == f"{n}@example.nl")) for n in names
    )


def _pay_a_batch() -> int:
    """Officer A builds, B approves, A exports and marks paid the Drenthe batch; its id."""
    a, b = _officers(("a", "b"))
    batch = batches.build_batch("DR", a)
    batches.approve_batch(batch, b)
    batches.export_batch(batch, a)
    batches.mark_paid(batch, a)
    db.session.commit()
    return batch.id


@pytest.fixture
def claim_id(committed, redis_conn):
    """A claim decided (payout € 2.950,00) and paid in a batch, committed."""
    with committed.app_context():
        users = bakker_and_officers()
        claim = decided_claim(users)
        db.session.commit()
        _pay_a_batch()
        assert db.session.get(Claim, claim.id).status == ClaimStatus.PAID
        return claim.id


def _section(page):
    return page.locator("section[aria-labelledby=bezwaar]")


def test_objection_on_a_paid_claim_heard_and_decided_deels_gegrond_in_the_browser(
    browser, live_server, claim_id, committed, run_worker, smtp_server, pdf_text, monkeypatch
):
    claim_url = f"{live_server}/aanvragen/{claim_id}"
    # The farmer objects on the paid claim.
    context, farmer = logged_in(browser, live_server, "farmer@example.nl")
    farmer.goto(claim_url)
    farmer.get_by_label("Waarom bent u het niet eens met het besluit?").fill(
        "De opbrengstderving is te laag getaxeerd; de facturen laten meer zien."
    )
    farmer.get_by_role("button", name="Bezwaar indienen").click()
    assert "Uw bezwaar is ontvangen" in farmer.get_by_role("status").inner_text()
    shown = " ".join(_section(farmer).inner_text().split())
    assert "binnen de bezwaartermijn" in shown and "Beslissing op bezwaar uiterlijk" in shown
    assert "(nog) niet gepland" in shown
    context.close()

    # Officer A plans the hearing; a missing time is refused in place, the input kept.
    hearing_day = today() + timedelta(days=7)
    context, a = logged_in(browser, live_server, "a@example.nl")
    a.goto(claim_url)
    section = _section(a)
    section.get_by_label("Datum van de hoorzitting").fill(hearing_day.isoformat())
    section.get_by_label("Plaats").fill("Provinciehuis, Westerbrink 1, Assen")
    section.get_by_role("button", name="Hoorzitting plannen").click()
    summary = a.locator("#hoorzitting-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Datum van de hoorzitting")
    expect(_section(a).get_by_label("Plaats")).to_have_value("Provinciehuis, Westerbrink 1, Assen")
    _section(a).get_by_label("Tijd (Nederlandse tijd)").fill("10:00")
    _section(a).get_by_role("button", name="Hoorzitting plannen").click()
    assert "De hoorzitting is gepland" in a.get_by_role("status").inner_text()
    assert "10:00" in _section(a).locator("dd.hearing").inner_text()

    # … and moves it before it took place: a new invitation.
    moved_day = hearing_day + timedelta(days=1)
    section = _section(a)
    expect(section.get_by_label("Datum van de hoorzitting")).to_have_value(hearing_day.isoformat())
    section.get_by_label("Datum van de hoorzitting").fill(moved_day.isoformat())
    section.get_by_label("Tijd (Nederlandse tijd)").fill("14:30")
    section.get_by_label("Videolink").fill("https://video.example.nl/hoorzitting/7")
    section.get_by_role("button", name="Hoorzitting verplaatsen").click()
    assert "De hoorzitting is verplaatst" in a.get_by_role("status").inner_text()
    hearing = _section(a).locator("dd.hearing").inner_text()
    assert "14:30" in hearing and "https://video.example.nl/hoorzitting/7" in hearing
    assert "Het verslag van de hoorzitting legt u vast vanaf" in _section(a).inner_text()
    assert _section(a).get_by_role("button", name="Verslag vastleggen").count() == 0

    # The clock moves on to the hearing day: the report can be recorded.
    monkeypatch.setattr(objections, "today", lambda: moved_day)
    a.goto(claim_url)
    _section(a).get_by_label("Verslag van de hoorzitting").fill(
        "Aanvrager legt facturen over: de opbrengst lag hoger dan getaxeerd."
    )
    _section(a).get_by_role("button", name="Verslag vastleggen").click()
    assert "verslag van de hoorzitting is vastgelegd" in a.get_by_role("status").inner_text()
    assert "Aanvrager legt facturen over" in _section(a).locator("dd.hearing-report").inner_text()

    # Officer A proposes deels gegrond with a higher corrected damage.
    form = a.locator("form.objection-proposal")
    form.get_by_label("Deels gegrond").check()
    damage = form.locator("#f-assessed_damage_0")
    expect(damage).to_have_value("3200,00")
    damage.fill("4.200,00")
    form.get_by_label("Motivering").fill("De facturen tonen een hogere opbrengstderving.")
    form.get_by_role("button", name="Voorstel maken").click()
    assert "tweede behandelaar" in a.get_by_role("status").inner_text()
    context.close()

    with committed.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.status == "open"))
        new_payout = Decimal(proposal.calculation["payout"])
        assert Decimal(proposal.calculation["assessed_damage"]) == Decimal("4200.00")
    difference = new_payout - Decimal("2950.00")
    assert difference > 0

    # Officer B sees the outcome, old and new amounts and the difference, and approves.
    context, b = logged_in(browser, live_server, "b@example.nl")
    b.goto(claim_url)
    effect = " ".join(b.locator("dl.objection-effect").inner_text().split())
    assert "Deels gegrond" in effect
    assert "€ 3.200,00 wordt € 4.200,00" in effect
    assert "€ 2.950,00" in effect and format_eur(new_payout) in effect
    assert f"extra te betalen: {format_eur(difference)}" in effect
    b.get_by_role("button", name="Goedkeuren (tweede behandelaar)").click()
    assert "Het besluit is genomen" in b.get_by_role("status").inner_text()
    context.close()

    # The farmer sees the decision on objection, its outcome, the difference and the letter.
    run_worker()
    context, farmer = logged_in(browser, live_server, "farmer@example.nl")
    farmer.goto(claim_url)
    section = _section(farmer)
    assert "Deels gegrond" in section.locator("dd.objection-outcome").inner_text()
    assert format_eur(difference) in section.locator("dd.objection-difference").inner_text()
    assert "-B2" in farmer.locator("#besluit").locator("..").inner_text()
    letters = section.locator("ul.objection-letters").inner_text()
    for title in (
        "Ontvangstbevestiging bezwaar",
        "Uitnodiging hoorzitting",
        "Beslissing op bezwaar",
    ):
        assert title in letters, letters
    assert letters.count("Uitnodiging hoorzitting") == 2  # the hearing was moved
    link = section.locator("ul.objection-letters li", has_text="Beslissing op bezwaar")
    href = link.get_by_role("link", name="PDF downloaden").get_attribute("href")
    text = " ".join(pdf_text(context.request.get(f"{live_server}{href}").body()).split())
    assert "gedeeltelijk gegrond" in text
    context.close()

    # E-mails: the receipt, both invitations (the second says the hearing moved), the decision.
    subjects = [m["Subject"] for m in smtp_server.wait_for(4)]
    assert any("is ontvangen" in s for s in subjects)
    assert any(s.startswith("Uitnodiging hoorzitting") for s in subjects)
    assert any(s.startswith("Hoorzitting over uw bezwaar verplaatst") for s in subjects)

    # A new payment batch pays exactly the difference, for the decision on objection.
    with committed.app_context():
        new = db.session.scalar(
            select(Decision).where(Decision.claim_id == claim_id, Decision.in_force)
        )
        batch_id = _pay_a_batch()
        items = db.session.scalars(
            select(PaymentBatchItem).where(PaymentBatchItem.batch_id == batch_id)
        ).all()
        assert [(i.decision_id, i.amount) for i in items] == [(new.id, difference)]
        assert db.session.get(Claim, claim_id).status == ClaimStatus.PAID
        moved = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "objection.hearing_rescheduled")
        )
        assert moved is not None and moved.actor_id == _officers(("a",))[0].id
        invitations = db.session.scalars(
            select(Letter).where(Letter.kind == LetterKind.HEARING_INVITATION)
        ).all()
        assert len(invitations) == 2
