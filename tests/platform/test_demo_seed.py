"""flask demo seed --claims N: national proportions, every status, engine amounts, the chain;
and the demo farmer's stories of every feature of issues 15–17 (seed/stories.py), told once."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_login import login_user
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from faunaschade import clock, rules
from faunaschade.audit import chain as audit
from faunaschade.claims.decision_term import term_passed
from faunaschade.claims.worklist import OPEN_STATUSES, QUEUE_STATUSES, officer_queue
from faunaschade.clock import damage_year, today
from faunaschade.decisions.calculation import calculate_claim
from faunaschade.models import (
    AreaCheck,
    AreaType,
    Assessment,
    AuditCheckpoint,
    AuditEvent,
    Authorisation,
    AutotaxRegistration,
    AutotaxRun,
    AutotaxRunClaim,
    Claim,
    ClaimKind,
    ClaimParcel,
    ClaimParcelArea,
    ClaimSpecies,
    ClaimStatus,
    DamageReport,
    Decision,
    DefaultNotice,
    EventDelivery,
    FarmerProfile,
    Letter,
    LetterKind,
    LivestockItem,
    Objection,
    ObjectionStatus,
    Outcome,
    Parcel,
    PaymentBatch,
    PaymentBatchItem,
    PenaltyDecision,
    Proposal,
    Role,
    Subscriber,
    User,
)
from faunaschade.schemas.claims import QueuePageSchema, queue_page_json
from faunaschade.seed import seed_claims
from faunaschade.seed.sampling import skeletons
from faunaschade.seed.writer import SetAside
from tests.support.app import rollback_session, truncate_all, web_client
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
    # The N generated claims, beside the demo farmer's stories.
    generated = select(func.count()).where(Claim.farmer_id != _demo_profile(session).id)
    assert session.scalar(generated) == N


def test_claims_follow_the_national_proportions(seeded, session):
    demo = _demo_profile(session).id
    provinces = Counter(session.scalars(select(Claim.province).where(Claim.farmer_id != demo)))
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
    assert session.scalar(select(func.max(Decision.decided_on))) <= clock.local_day(now)


def _catalog(session, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """The tables' indexes and constraints, as PostgreSQL would make them again."""
    return session.execute(
        text(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid::regclass::text = ANY(:t)"
            " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid::regclass::text = ANY(:t) ORDER BY 1, 2"
        ),
        {"t": list(tables)},
    ).all()


def test_a_bulk_seed_puts_back_every_index_and_constraint_it_set_aside(seeded, session):
    """The large seed drops the secondary indexes, unique and foreign-key constraints of the tables
    it fills and makes them again in the same transaction: the same ones, checked over the rows."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere the seed keeps its indexes")
    tables = ("claims", "decisions", "audit_events")
    before = _catalog(session, tables)
    aside = SetAside(session, tables)
    aside.take_off()
    left = {name for name, _ in _catalog(session, tables)}
    assert left == {
        "pk_claims", "pk_decisions", "pk_audit_events", *(
            name for name, definition in before if definition.startswith("CHECK")
        ),
    }  # fmt: skip
    aside.put_back()
    assert _catalog(session, tables) == before
    # A row that breaks a constraint while it is aside: putting it back fails.
    aside.take_off()
    session.execute(
        text(
            "INSERT INTO claims (reference, farmer_id, province, kind, status, discovered_on,"
            " preventive_measures, description, leges, version, updated_at, created_at)"
            " SELECT reference, farmer_id, province, kind, status, discovered_on,"
            " preventive_measures, description, leges, version, updated_at, created_at"
            " FROM claims ORDER BY id LIMIT 1"
        )
    )
    with pytest.raises(IntegrityError, match="uq_claims_reference"):
        aside.put_back()


# -- the demo farmer's stories (seed/stories.py) ---------------------------------------------------


def _demo_profile(session) -> FarmerProfile:
    farmer = session.scalar(select(User).where(User.email == "boer@demo.faunaschade.nl"))
    return session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))


def _demo_claims(session) -> list[Claim]:
    return list(
        session.scalars(
            select(Claim).where(Claim.farmer_id == _demo_profile(session).id).order_by(Claim.id)
        )
    )


def _actions(session, claim: Claim) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action).where(AuditEvent.claim_id == claim.id).order_by(AuditEvent.id)
        )
    )


def test_the_command_prints_the_representative_and_the_stories(seeded):
    assert "gemachtigde@demo.faunaschade.nl (gemachtigde van boer@demo.faunaschade.nl)" in seeded
    assert "Demo stories of 4 parcels" in seeded
    for told in ("machtiging:", "meldingen:", "bezwaar met hoorzitting", "ingebrekestelling:"):
        assert told in seeded, seeded
    assert "dwangsombeschikking:" in seeded and "audit checkpoint: seq" in seeded


def test_the_demo_farmers_parcels_lie_on_the_map(seeded, session):
    parcels = session.scalars(
        select(Parcel).where(Parcel.farmer_id == _demo_profile(session).id)
    ).all()
    assert len(parcels) == 4 and all(p.geometry is not None for p in parcels)
    checked = session.execute(
        select(Claim.reference, ClaimParcel.area_type, ClaimParcel.area_check)
        .join(ClaimParcel, ClaimParcel.claim_id == Claim.id)
        .where(Claim.farmer_id == _demo_profile(session).id, Claim.autotax.is_(False))
    ).all()
    assert {check for *_, check in checked} == {AreaCheck.MAP}
    # The parcel across the foraging area's edge is split: two components of one claim.
    by_claim = Counter(reference for reference, *_ in checked)
    assert 2 in by_claim.values()
    types = {area_type for _, area_type, _ in checked}
    assert {AreaType.FOERAGEERGEBIED, AreaType.REGULAR} <= types
    assert session.scalar(select(func.count()).select_from(ClaimParcelArea)) >= 3


def test_the_representative_is_authorised_by_the_demo_farmer(seeded, session):
    representative = session.scalar(
        select(User).where(User.email == "gemachtigde@demo.faunaschade.nl")
    )
    assert representative.role == Role.FARMER
    granted = session.scalars(select(Authorisation)).all()
    assert [(a.farmer_id, a.representative_id, a.claim_id, a.revoked_at) for a in granted] == [
        (_demo_profile(session).id, representative.id, None, None)
    ]
    # The representative acted: reported a melding and objected for the farmer.
    acted = session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == representative.id)
    ).all()
    assert {"report.created", "report.converted", "objection.filed"} <= set(acted)


def test_two_meldingen_one_turned_into_a_claim(seeded, session):
    reports = session.scalars(select(DamageReport).order_by(DamageReport.id)).all()
    assert len(reports) == 2
    assert reports[0].converted_claim_id is None
    claim = session.get(Claim, reports[1].converted_claim_id)
    assert claim.status == ClaimStatus.DRAFT and claim.farmer_id == _demo_profile(session).id


def test_a_claim_in_objection_with_a_hearing_planned(seeded, session):
    objection = session.scalar(
        select(Objection)
        .join(Claim, Claim.id == Objection.claim_id)
        .where(Claim.farmer_id == _demo_profile(session).id)
    )
    assert objection.status == ObjectionStatus.HEARING_SCHEDULED
    assert objection.hearing_at > datetime.now(UTC) and objection.hearing_place
    claim = session.get(Claim, objection.claim_id)
    assert claim.status == ClaimStatus.OBJECTION
    kinds = set(session.scalars(select(Letter.kind).where(Letter.claim_id == claim.id)))
    assert {
        LetterKind.DECISION,
        LetterKind.OBJECTION_RECEIPT,
        LetterKind.HEARING_INVITATION,
    } <= kinds
    decision = session.scalar(select(Decision).where(Decision.claim_id == claim.id))
    assert decision.prepared_by != decision.approved_by


def test_a_late_claim_with_a_notice_of_default_and_one_with_a_penalty_decision(seeded, session):
    notices = {
        n.claim_id: n
        for n in session.scalars(select(DefaultNotice).where(DefaultNotice.premature.is_(False)))
    }
    assert len(notices) == 2
    claims = {claim_id: session.get(Claim, claim_id) for claim_id in notices}
    waiting = [c for c in claims.values() if c.status == ClaimStatus.ASSESSMENT_ORDERED]
    decided = [c for c in claims.values() if c.status == ClaimStatus.DECIDED]
    assert len(waiting) == len(decided) == 1
    # Still waiting: first in the officers' queue, the dwangsom running from 15 days on.
    assert waiting[0].penalty_from == notices[waiting[0].id].received_on + timedelta(days=15)
    assert term_passed(waiting[0])
    penalty = session.scalar(
        select(PenaltyDecision).where(PenaltyDecision.claim_id == decided[0].id)
    )
    assert penalty.days == 15 and penalty.amount == Decimal("357.00")  # 14 × € 23 + € 35
    assert penalty.kenmerk == f"{decided[0].reference}-D1"
    assert "penalty_decision.taken" in _actions(session, decided[0])
    kinds = set(session.scalars(select(Letter.kind).where(Letter.claim_id == decided[0].id)))
    assert LetterKind.PENALTY_DECISION in kinds


def test_autotax_registrations_and_a_run_for_the_year_whose_deadline_passed(seeded, session):
    registered = session.execute(
        select(AutotaxRegistration.damage_year, func.count())
        .where(AutotaxRegistration.farmer_id == _demo_profile(session).id)
        .group_by(AutotaxRegistration.damage_year)
    ).all()
    year = damage_year(today())
    closed = year if today() > date(year, 3, 15) else year - 1
    assert dict(registered)[closed] == 2
    assert sum(count for _, count in registered) >= 2
    run = session.scalar(select(AutotaxRun))
    assert (run.province, run.damage_year, run.seed) == ("FR", closed, 2026)
    rows = session.scalars(select(AutotaxRunClaim).where(AutotaxRunClaim.run_id == run.id)).all()
    assert len(rows) == 2 and sum(row.sampled for row in rows) == 1
    assert "autotax.run" in session.scalars(select(AuditEvent.action)).all()


def test_an_inactive_subscriber_and_a_signed_checkpoint(seeded, session):
    subscriber = session.scalar(select(Subscriber))
    assert subscriber.active is False and subscriber.url.startswith("https://")
    assert ".example.org/" in subscriber.url
    assert session.scalar(select(func.count()).select_from(EventDelivery)) == 0
    checkpoint = session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()))
    assert checkpoint is not None and checkpoint.signature
    assert checkpoint.seq == session.scalar(select(func.max(AuditEvent.seq)))


def test_the_stories_went_through_the_use_cases(seeded, session):
    claims = _demo_claims(session)
    assert len(claims) == 6
    for claim in claims:
        assert _actions(session, claim)[0] == "claim.created", claim.reference
    letters = session.scalar(
        select(func.count()).where(Letter.claim_id.in_([c.id for c in claims]))
    )
    assert letters >= 10


TABLES = (
    Claim,
    Parcel,
    DamageReport,
    Authorisation,
    DefaultNotice,
    PenaltyDecision,
    Objection,
    AutotaxRegistration,
    AutotaxRun,
    Subscriber,
    AuditCheckpoint,
    Letter,
    AuditEvent,
    User,
)


def test_a_second_seed_adds_nothing(seeded, session, app):
    def counts():
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in TABLES
        }

    before = counts()
    for args in (["--claims", "20", "--if-empty"], []):
        result = app.test_cli_runner().invoke(args=["demo", "seed", *args])
        assert result.exit_code == 0, result.output
        assert "Demo stories" not in result.output
        session.expire_all()
        assert counts() == before


def test_each_demo_user_sees_the_stories_on_their_pages(seeded, session, app):
    claims = {claim.status: claim for claim in _demo_claims(session) if not claim.autotax}
    run = session.scalar(select(AutotaxRun))
    pages = {
        "boer@demo.faunaschade.nl": [
            "/percelen",
            "/meldingen",
            "/machtigingen",
            "/autotax",
            *(f"/aanvragen/{claim.id}" for claim in claims.values()),
        ],
        "gemachtigde@demo.faunaschade.nl": [
            "/ik-handel-namens",
            f"/aanvragen/{claims[ClaimStatus.OBJECTION].id}",
        ],
        "behandelaar-a@demo.faunaschade.nl": [
            "/behandeling",
            "/meldingen",
            f"/autotax/rondes/{run.id}",
            *(f"/aanvragen/{claim.id}" for claim in claims.values()),
        ],
        "beheerder@demo.faunaschade.nl": ["/koppelingen"],
    }
    seen = {}
    for email, paths in pages.items():
        client = web_client(app, email, "demo-wachtwoord-2026")
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (email, path)
            seen[(email, path)] = response.get_data(as_text=True)
    farmer_claim = seen[
        ("boer@demo.faunaschade.nl", f"/aanvragen/{claims[ClaimStatus.DECIDED].id}")
    ]
    assert "niet op de kaart gecontroleerd" not in farmer_claim
    assert "kaart.geojson" in farmer_claim
    queue = seen[("behandelaar-a@demo.faunaschade.nl", "/behandeling")]
    assert "Ingebreke gesteld" in queue
    assert "Loonbedrijf Hoekstra" in seen[("boer@demo.faunaschade.nl", "/machtigingen")]
    assert (
        "Melkveebedrijf De Vries" in seen[("gemachtigde@demo.faunaschade.nl", "/ik-handel-namens")]
    )
    assert "zaaksysteem.example.org" in seen[("beheerder@demo.faunaschade.nl", "/koppelingen")]


def test_the_queue_answer_is_its_schemas_dump_on_every_kind_of_row(seeded, session, app):
    """GET /api/v1/queue writes QueuePageSchema's answer without marshmallow (issue 13): on
    the demo queue, every page and status, in Dutch and in English, the written answer is the
    schema's dump of the same page, and the pages hold every kind of row the schema knows."""
    officer = session.scalar(select(User).where(User.email == "behandelaar-a@demo.faunaschade.nl"))
    seen = Counter()
    for language in ("nl", "en"):
        for status in (None, *(s.value for s in QUEUE_STATUSES)):
            filters = {"status": status} if status else {}
            with app.test_request_context(f"/?lang={language}"):
                login_user(officer)
                page = officer_queue(officer, filters, 1, 200)
                written, dumped = queue_page_json(page), QueuePageSchema().dump(page)
                for mine, theirs in zip(written["rows"], dumped["rows"], strict=True):
                    assert mine == theirs
                assert written == dumped
            for row in page.rows:
                seen["rows"] += 1
                seen["penalty"] += row.penalty_from is not None
                seen["proposer"] += row.proposer is not None
                seen["response"] += row.response is not None
                seen["assessment"] += row.assessment is not None
                seen["species"] += bool(row.claim.species)
                seen["crop"] += row.claim.crop is not None
                seen.update(d.code for d in row.deadlines)
                seen.update(d.state for d in row.deadlines)
    every = {"penalty", "proposer", "response", "assessment", "species", "crop"}
    every |= {"completion", "assessment", "zienswijze", "decision", "decision_backstop"}
    every |= {"objection_decision", "hearing", "overdue", "soon", "ok", "closed"}
    assert not every - set(seen), f"no row with {sorted(every - set(seen))}"


def test_every_page_of_the_queue_knows_the_total(seeded, session, app):
    """The count is left out on a last page (its rows tell it): every page, the one past the
    end too, says the same total, and the pages together are the whole queue in order."""
    officer = session.scalar(select(User).where(User.email == "behandelaar-a@demo.faunaschade.nl"))
    with app.test_request_context():
        whole = officer_queue(officer, {}, 1, 200)
        assert 7 < whole.total == len(whole.rows)
        pages = [officer_queue(officer, {}, n, 7) for n in range(1, whole.total // 7 + 3)]
    assert {page.total for page in pages} == {whole.total}
    assert [row.claim.id for page in pages for row in page.rows] == [
        row.claim.id for row in whole.rows
    ]
    assert pages[-1].rows == []


def test_every_filter_of_the_queue_and_every_pair_finds_what_it_names(seeded, session, app):
    """The queue's statements are built once per combination of filters, with every value a
    bind parameter (issue 13): on the demo queue, each filter and each pair of filters gives
    exactly the claims of the officer's provinces that the filters name, worked out here in
    Python from the claims themselves, with the total to match."""
    officer = session.scalar(select(User).where(User.email == "behandelaar-a@demo.faunaschade.nl"))
    claims = session.scalars(
        select(Claim).where(Claim.province.in_(officer.provinces), Claim.status != "draft")
    ).all()
    open_proposals = {
        p.claim_id
        for p in session.scalars(select(Proposal).where(Proposal.status == "open"))
        if p.proposed_by != officer.id
    }

    def named(claim: Claim, filters: dict) -> bool:
        wanted = filters.get("status")
        return (
            (claim.status.value == wanted if wanted else claim.status in OPEN_STATUSES)
            and filters.get("province", claim.province) == claim.province
            and filters.get("crop", claim.crop) == claim.crop
            and (
                "species" not in filters or filters["species"] in {s.species for s in claim.species}
            )
            and (not filters.get("awaiting_my_approval") or claim.id in open_proposals)
            and (not filters.get("overdue") or (claim.next_due_at or today()) < today())
        )

    values = {
        "status": ["assessed", "objection", "decided"],
        "province": [*officer.provinces, "UT"],
        "crop": sorted({c.crop for c in claims if c.crop}),
        "species": sorted({s.species for c in claims for s in c.species}),
        "awaiting_my_approval": [True],
        "overdue": [True],
    }
    combinations = [{name: value} for name, some in values.items() for value in some]
    combinations += [
        {first: values[first][0], second: values[second][0]}
        for i, first in enumerate(values)
        for second in list(values)[i + 1 :]
    ]
    found = Counter()
    with app.test_request_context():
        for filters in combinations:
            page = officer_queue(officer, dict(filters), 1, 200)
            expected = {claim.id for claim in claims if named(claim, filters)}
            assert {row.claim.id for row in page.rows} == expected, filters
            assert page.total == len(expected), filters
            if len(expected) > 1:  # a page of one row less: the count statement runs too
                assert officer_queue(officer, dict(filters), 1, len(expected) - 1).total == len(
                    expected
                ), filters
            found.update(filters.keys() if expected and len(filters) == 1 else ())
    assert set(found) == set(values), "some filter found nothing at all"
