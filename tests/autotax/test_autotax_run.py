"""An autotax run end to end: claims for the parcels in the foraging area, the automatic
assessment from the table, the review sample recorded and reproducible from its seed, the batch
decision with four eyes, its letters, and the payment batch paying autotax first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from faunaschade.autotax import batches, runs
from faunaschade.autotax.sample import draw_sample
from faunaschade.decisions.operations import approve_proposal, propose_decision
from faunaschade.errors import Conflict, Forbidden, ValidationFailed
from faunaschade.models import (
    Assessment,
    AuditEvent,
    Claim,
    ClaimStatus,
    Decision,
    Letter,
    LetterKind,
    Unit,
)
from faunaschade.models.assessments import latest_assessment
from faunaschade.payouts.batches import build_batch, payable
from tests.support.autotax import YEAR, world
from tests.support.decisions import assessed_claim


@pytest.fixture
def people(make_user):
    return {
        "a": make_user("officer", provinces=("FR",)),
        "b": make_user("officer", provinces=("FR",)),
        "assessor": make_user("assessor"),
    }


def _run(people, **options):
    params = runs.RunParameters(
        "FR", YEAR, assessor_email=people["assessor"].email, **{"seed": 20260315, **options}
    )
    return runs.start_run(params, people["a"])


def test_a_run_makes_claims_for_the_parcels_in_the_foraging_area(
    session, make_user, monkeypatch, people
):
    parcels = world(session, make_user, monkeypatch)
    run = _run(people, sample_pct=Decimal("10"))
    by_parcel = {row.parcel_id: row for row in run.claims}
    # Eleven registered, ten in the area: the parcel outside makes no claim.
    assert run.registrations == 11
    assert len(run.claims) == 10
    assert parcels["outside"].id not in by_parcel
    half = by_parcel[parcels["half"].id]
    assert (half.overlap_ha, half.eur_per_ha, half.amount) == (
        Decimal("1.0000"),
        Decimal("385.00"),
        Decimal("385.00"),
    )
    claim = half.claim
    assert claim.autotax and claim.leges == 0 and claim.crop == "blijvend_grasland"
    assert str(claim.discovered_on) == f"{YEAR}-03-01"
    assert [(p.area_type.value, p.damaged_area_ha) for p in claim.parcels] == [
        ("foerageergebied", Decimal("1.0000"))
    ]
    automatic = latest_assessment(claim)
    assert automatic.automatic
    [line] = automatic.lines
    assert (line.unit, line.lost_quantity, line.unit_price, line.assessed_damage) == (
        Unit.HA,
        Decimal("1.0000"),
        Decimal("385.0000"),
        Decimal("385.00"),
    )
    assert "illustratief" in automatic.remarks
    # 10 % of ten claims is one drawn at random, plus the 40 ha parcel (€ 15.400 > € 5.000).
    large = by_parcel[parcels["large"].id]
    assert (large.amount, large.sampled, large.sample_reason) in {
        (Decimal("15400.00"), True, "above_amount"),
        (Decimal("15400.00"), True, "random"),
    }
    sampled = [row for row in run.claims if row.sampled]
    assert len(sampled) in (1, 2)
    assert len([row for row in sampled if row.sample_reason == "random"]) == 1
    # Sampled claims wait for the assessor in the field; the rest are assessed.
    for row in run.claims:
        status = ClaimStatus.ASSESSMENT_ORDERED if row.sampled else ClaimStatus.ASSESSED
        assert row.claim.status == status
    field = session.scalars(select(Assessment).where(Assessment.automatic.is_(False))).all()
    assert {a.claim_id for a in field} == {row.claim_id for row in sampled}
    assert {a.assessor_id for a in field} == {people["assessor"].id}
    # The run is recorded: who, seed, parameters, claims and sample.
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "autotax.run"))
    assert event.actor_id == people["a"].id
    assert event.data["seed"] == 20260315
    assert event.data["sample_pct"] == "10"
    assert event.data["outside_area"] == [parcels["outside"].id]
    assert event.data["sample"] == {str(r.claim_id): r.sample_reason for r in sampled}


def test_the_sample_is_reproducible_from_the_recorded_seed(session, make_user, monkeypatch, people):
    world(session, make_user, monkeypatch)
    run = _run(people, sample_pct=Decimal("30"), review_above=Decimal("100000"))
    recorded = runs.recorded_sample(run)
    assert len(recorded) == 3 and set(recorded.values()) == {"random"}
    assert runs.redraw(run) == recorded
    assert runs.redraw(run, seed=run.seed) == recorded
    assert runs.redraw(run, seed=1) != recorded
    # The same draw from the plain figures, as anyone can make it with Python.
    amounts = {row.claim_id: row.amount for row in run.claims}
    assert draw_sample(amounts, 20260315, Decimal("30"), Decimal("100000")) == recorded


def test_a_claim_above_the_amount_is_always_sampled(session, make_user, monkeypatch, people):
    parcels = world(session, make_user, monkeypatch)
    run = _run(people, sample_pct=Decimal("0"), review_above=Decimal("5000"))
    sampled = {row.parcel_id: row.sample_reason for row in run.claims if row.sampled}
    assert sampled == {parcels["large"].id: "above_amount"}
    for seed in range(20):
        amounts = {row.claim_id: row.amount for row in run.claims}
        drawn = draw_sample(amounts, seed, Decimal("10"), Decimal("5000"))
        large = next(r.claim_id for r in run.claims if r.parcel_id == parcels["large"].id)
        assert large in drawn


def test_a_second_run_is_refused_and_a_run_needs_an_assessor_for_its_sample(
    session, make_user, monkeypatch, people
):
    world(session, make_user, monkeypatch)
    params = runs.RunParameters("FR", YEAR, seed=1)
    with pytest.raises(ValidationFailed) as refused:
        runs.start_run(params, people["a"])
    assert "assessor_email" in refused.value.fields
    session.rollback()


def test_second_run_refused(session, make_user, monkeypatch, people):
    world(session, make_user, monkeypatch)
    _run(people)
    with pytest.raises(Conflict) as refused:
        _run(people)
    assert refused.value.code == "already_run"


def test_a_run_before_the_deadline_or_outside_autotax_is_refused(session, people, make_user):
    with pytest.raises(ValidationFailed) as early:
        runs.start_run(runs.RunParameters("FR", YEAR + 1), people["a"])
    assert "15 maart 2027" in early.value.fields["damage_year"][0]
    drenthe = make_user("officer", provinces=("DR",))
    with pytest.raises(ValidationFailed) as elsewhere:
        runs.start_run(runs.RunParameters("DR", YEAR), drenthe)
    assert "Drenthe doet in schadejaar 2026 niet mee" in elsewhere.value.fields["province"][0]


def test_the_batch_is_decided_with_four_eyes_letters_follow_and_autotax_is_paid_first(
    session, make_user, monkeypatch, people
):
    # An ordinary claim decided earlier, with a lower id than the autotax claims.
    regular = assessed_claim(
        session, make_user("farmer"), people["a"], people["assessor"], province="FR"
    )
    approve_proposal(propose_decision(regular, people["a"], motivation="Conform."), people["b"])
    world(session, make_user, monkeypatch)
    run = _run(people, sample_pct=Decimal("10"))
    ready = [row.claim for row in run.claims if not row.sampled]
    batch = batches.propose_batch(run, people["a"])
    assert sorted(item.claim_id for item in batch.items) == sorted(c.id for c in ready)
    assert all(c.status == ClaimStatus.PROPOSED for c in ready)
    with pytest.raises(Conflict):
        batches.propose_batch(run, people["b"])  # one open batch per run
    with pytest.raises(Forbidden) as own:
        batches.approve_batch(batch, people["a"])
    assert own.value.code == "four_eyes"
    batches.approve_batch(batch, people["b"])
    assert batch.approved_by == people["b"].id
    decisions = session.scalars(
        select(Decision).where(Decision.claim_id.in_([c.id for c in ready]))
    ).all()
    assert len(decisions) == len(ready)
    assert all(
        d.prepared_by == people["a"].id and d.approved_by == people["b"].id for d in decisions
    )
    assert all(d.leges_refund == 0 and d.payout == d.assessed_damage for d in decisions)
    letters = session.scalars(
        select(Letter).where(
            Letter.kind == LetterKind.DECISION, Letter.claim_id.in_([c.id for c in ready])
        )
    ).all()
    assert len(letters) == len(ready)
    with pytest.raises(Conflict):
        batches.approve_batch(batch, people["b"])
    # Autotax first in the payment batch, then the older ordinary decision.
    order = [claim.id for claim, _decision, _profile in payable("FR")]
    assert order[-1] == regular.id and set(order[:-1]) == {c.id for c in ready}
    payment = build_batch("FR", people["a"])
    assert [item.claim_id for item in payment.items][-1] == regular.id
    assert session.get(Claim, regular.id).autotax is False
