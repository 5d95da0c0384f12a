"""flask demo seed --claims N: national proportions, every status, engine amounts, the chain."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from faunaschade import rules
from faunaschade.audit import chain as audit
from faunaschade.clock import damage_year
from faunaschade.decisions.calculation import calculate_claim
from faunaschade.models import (
    Assessment,
    AuditEvent,
    Claim,
    ClaimKind,
    ClaimSpecies,
    ClaimStatus,
    Decision,
    LivestockItem,
    Outcome,
    PaymentBatch,
    PaymentBatchItem,
    Proposal,
)
from faunaschade.seed import seed_claims
from faunaschade.seed.sampling import skeletons
from tests.support.app import rollback_session, truncate_all
from tests.support.statistics import NOW

N = 300


@pytest.fixture(scope="module")
def seeded(app):
    """`flask demo seed --claims 300` for real, as a user would run it."""
    truncate_all(app)
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--claims", str(N)])
    assert result.exit_code == 0, result.output
    yield result.output
    truncate_all(app)


def test_the_command_prints_the_logins_and_what_it_wrote(seeded):
    assert "demo-wachtwoord-2026" in seeded
    assert "controleur@demo.faunaschade.nl" in seeded
    assert f"{N} claims seeded" in seeded


def test_every_status_is_present(seeded, session):
    statuses = set(session.scalars(select(Claim.status).distinct()))
    assert statuses == set(ClaimStatus)
    assert session.scalar(select(func.count()).select_from(Claim)) == N


def test_claims_follow_the_national_proportions(seeded, session):
    provinces = Counter(session.scalars(select(Claim.province)))
    assert len(provinces) >= 10
    assert {code for code, _ in provinces.most_common(2)} == {"FR", "NH"}
    crops = Counter(session.scalars(select(Claim.crop).where(Claim.kind == ClaimKind.CROP)))
    assert crops["blijvend_grasland"] > 0.5 * sum(crops.values())
    species = Counter(session.scalars(select(ClaimSpecies.species)))
    geese = species["grauwe_gans"] + species["brandgans"] + species["kolgans"]
    assert geese > 0.4 * sum(species.values())
    livestock = session.scalar(select(func.count()).where(Claim.kind == ClaimKind.LIVESTOCK))
    assert 0 < livestock < 0.1 * N
    years = {damage_year(day) for day in session.scalars(select(Claim.discovered_on))}
    assert len(years) >= 3


def test_crop_decisions_are_what_the_rules_engine_calculates(seeded, session):
    decisions = session.execute(
        select(Decision, Proposal.reduction_pct)
        .join(Proposal, Proposal.id == Decision.proposal_id)
        .join(Claim, Claim.id == Decision.claim_id)
        .where(Claim.kind == ClaimKind.CROP)
    ).all()
    assert len(decisions) > N / 2
    outcomes = Counter()
    for decision, reduction in decisions:
        result = calculate_claim(session.get(Claim, decision.claim_id), reduction_pct=reduction)
        granted = decision.outcome in (Outcome.GRANTED, Outcome.PARTIALLY_GRANTED)
        assert decision.payout == result.payout, decision.kenmerk
        assert decision.assessed_damage == result.assessed_damage, decision.kenmerk
        assert decision.own_risk == (result.own_risk if granted else Decimal("0.00"))
        assert decision.leges_refund == result.leges_refund, decision.kenmerk
        assert granted == (result.eligible and result.payout > 0), decision.kenmerk
        outcomes[decision.outcome] += 1
    assert outcomes[Outcome.GRANTED] > outcomes[Outcome.REJECTED] > 0


def test_livestock_decisions_are_what_the_rules_engine_calculates(seeded, session):
    claims = session.scalars(select(Claim).where(Claim.kind == ClaimKind.LIVESTOCK)).all()
    checked = 0
    for claim in claims:
        decision = session.scalar(
            select(Decision).where(Decision.claim_id == claim.id, Decision.superseded_at.is_(None))
        )
        if decision is None:
            continue
        assessment = session.scalar(select(Assessment).where(Assessment.claim_id == claim.id))
        items = session.scalars(
            select(LivestockItem).where(LivestockItem.assessment_id == assessment.id)
        )
        species = session.scalar(
            select(ClaimSpecies.species).where(ClaimSpecies.claim_id == claim.id)
        )
        # The officer's reduction (the seed gives one to about 1 in 25 proposals) is part of it.
        proposal = session.get(Proposal, decision.proposal_id)
        case = {
            "province": claim.province,
            "kind": "livestock",
            "reduction_pct": str(proposal.reduction_pct),
            "discovered_at": claim.discovered_at.isoformat(),
            "reported_at": claim.submitted_at.isoformat(),
            "wolf_finding": claim.wolf_finding,
            "components": [
                {
                    "species": species,
                    "area_type": "regular",
                    "items": [
                        {"type": i.item_type, "animal": i.animal, "amount": str(i.amount)}
                        | ({"animal_value": str(i.animal_value)} if i.animal_value else {})
                        for i in items
                    ],
                }
            ],
        }
        assert decision.payout == rules.calculate(case).payout, decision.kenmerk
        checked += 1
    assert checked > 0


def test_four_eyes_and_one_decision_in_force(seeded, session):
    assert not session.scalar(
        select(func.count()).where(Decision.prepared_by == Decision.approved_by)
    )
    in_force = session.execute(
        select(Decision.claim_id, func.count())
        .where(Decision.superseded_at.is_(None))
        .group_by(Decision.claim_id)
        .having(func.count() > 1)
    ).all()
    assert in_force == []
    superseded = session.scalar(select(func.count()).where(Decision.superseded_at.is_not(None)))
    assert superseded > 0  # decisions on objection


def test_paid_claims_have_their_payout_in_a_paid_batch(seeded, session):
    paid_claims = set(session.scalars(select(Claim.id).where(Claim.status == ClaimStatus.PAID)))
    in_batches = set(
        session.scalars(
            select(PaymentBatchItem.claim_id)
            .join(PaymentBatch, PaymentBatch.id == PaymentBatchItem.batch_id)
            .where(PaymentBatch.status == "paid", PaymentBatchItem.kind == "payout")
        )
    )
    assert paid_claims and paid_claims == in_batches
    for batch in session.scalars(select(PaymentBatch)):
        items = session.scalar(
            select(func.sum(PaymentBatchItem.amount)).where(PaymentBatchItem.batch_id == batch.id)
        )
        assert batch.total == Decimal(items).quantize(Decimal("0.01"))
        assert batch.built_by != batch.approved_by


def test_the_audit_chain_is_intact_and_tells_each_claims_story(seeded, session, app):
    report = audit.verify()
    assert report.intact, report.problems
    assert report.checked == session.scalar(select(func.count()).select_from(AuditEvent))
    claim = session.scalar(select(Claim).where(Claim.status == ClaimStatus.PAID).limit(1))
    steps = session.execute(
        select(AuditEvent.from_status, AuditEvent.to_status)
        .where(AuditEvent.claim_id == claim.id, AuditEvent.action == "claim.transition")
        .order_by(AuditEvent.id)
    ).all()
    assert steps[0] == ("draft", "awaiting_payment")
    assert ("assessment_ordered", "assessed") in steps
    assert ("proposed", "decided") in steps
    assert steps[-1] == ("decided", "paid")
    times = session.scalars(
        select(AuditEvent.occurred_at)
        .where(AuditEvent.claim_id.is_not(None))
        .order_by(AuditEvent.id)
    ).all()
    assert times == sorted(times)  # the chain runs in time order
    output = app.test_cli_runner().invoke(args=["audit", "verify"]).output
    assert "audit chain intact" in output


def test_the_same_seed_gives_the_same_claims(app):
    day = NOW.date() - timedelta(days=1)
    assert skeletons(random.Random(7), 120, day) == skeletons(random.Random(7), 120, day)

    def picture():
        with rollback_session(app) as scoped:
            before = scoped.scalar(select(func.coalesce(func.max(Claim.id), 0)))
            seed_claims(40, seed=11, now=NOW, password="demo-wachtwoord-2026")
            return sorted(
                scoped.execute(
                    select(
                        Claim.province,
                        Claim.crop,
                        Claim.discovered_on,
                        Claim.status,
                        Decision.payout,
                    )
                    .outerjoin(Decision, Decision.claim_id == Claim.id)
                    .where(Claim.id > before)
                ).all(),
                key=repr,
            )

    assert picture() == picture()


def test_nothing_happens_in_the_future(seeded, session):
    now = datetime.now(UTC)
    assert session.scalar(select(func.max(AuditEvent.occurred_at))) <= now
    assert session.scalar(select(func.max(Claim.created_at))) <= now
    assert session.scalar(select(func.max(Claim.submitted_at))) <= now
    assert session.scalar(select(func.max(PaymentBatch.paid_at))) <= now
    assert session.scalar(select(func.max(Decision.decided_on))) <= now.date()
