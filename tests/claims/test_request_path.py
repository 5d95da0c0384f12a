"""The request path of issue 13: the stored next due date, and what submit and queue ask."""

from __future__ import annotations

import importlib.util
import uuid
from datetime import timedelta
from decimal import Decimal

from marshmallow import Schema
from sqlalchemy import event, select, text

from faunaschade.assessments.operations import order_assessment
from faunaschade.claims import completion
from faunaschade.claims import operations as claims
from faunaschade.claims.worklist import overdue_condition
from faunaschade.clock import today
from faunaschade.decisions.delays import send_delay_notice
from faunaschade.extensions import db
from faunaschade.models import Claim, ClaimStatus, FarmerProfile, refresh_next_due
from faunaschade.models.claims import CLAIM_LIFECYCLE
from faunaschade.models.next_due import next_due_expression
from faunaschade.schemas.claims import ClaimInSchema
from tests.support.app import ROOT
from tests.support.farmers import claim_body, parcel_body

MIGRATION = ROOT / "migrations" / "versions" / "e5f6a7b8c9d0_claims_next_due_at.py"
#: The objection procedure's migration, which stores the objected claims' due dates anew.
OBJECTION_MIGRATION = ROOT / "migrations" / "versions" / "b15e0b1ec710_objection_procedure.py"


def _stored_vs_defined(session) -> list[tuple]:
    """(id, status, stored, what the old CASE expression computes) for every claim."""
    session.flush()
    return session.execute(
        select(Claim.id, Claim.status, Claim.next_due_at, next_due_expression()).order_by(Claim.id)
    ).all()


def _assert_current(session) -> set[ClaimStatus]:
    rows = _stored_vs_defined(session)
    wrong = [row for row in rows if row[2] != row[3]]
    assert not wrong, f"stored next_due_at differs from the CASE expression: {wrong}"
    return {row[1] for row in rows}


def _draft(session, make_user, province: str) -> Claim:
    from faunaschade.farmers.operations import add_parcel

    user = make_user("farmer")
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))
    parcel = add_parcel(profile, parcel_body(area_ha=Decimal("4.2")), user)
    session.flush()
    data = ClaimInSchema().load(claim_body(parcel.id, province=province))
    return claims.create_claim(profile, data, user)


def test_stored_next_due_is_the_case_expression_in_every_status(
    session, make_user, claim_in, officer, assessor
):
    limburg = make_user("officer", provinces=("LI",))
    seen = _assert_current(session) | set()
    draft = _draft(session, make_user, "FR")
    seen |= _assert_current(session)
    claims.submit_claim(draft, draft_user := session.get(FarmerProfile, draft.farmer_id).user)
    assert draft.status == ClaimStatus.AWAITING_PAYMENT and draft_user
    seen |= _assert_current(session)
    # Leges-free Limburg: submitted, incomplete, submitted again, assessment ordered.
    claim = _draft(session, make_user, "LI")
    actor = session.get(FarmerProfile, claim.farmer_id).user
    claims.submit_claim(claim, actor)
    seen |= _assert_current(session)
    completion.request_completion(claim, limburg, "Stuur foto's.", 5)
    seen |= _assert_current(session)
    completion.complete_claim(claim, actor, "Foto's gestuurd.")
    seen |= _assert_current(session)
    assessment = order_assessment(claim, limburg, assessor.email)
    seen |= _assert_current(session)
    # Rescheduled to before the backstop, then after it: only the assessment row changes.
    assessment.due_on = today() + timedelta(days=1)
    seen |= _assert_current(session)
    assert claim.next_due_at == today() + timedelta(days=1)
    assessment.due_on = claim.backstop_deadline + timedelta(days=30)
    seen |= _assert_current(session)
    assert claim.next_due_at == claim.backstop_deadline
    withdrawn = _draft(session, make_user, "LI")
    claims.submit_claim(withdrawn, session.get(FarmerProfile, withdrawn.farmer_id).user)
    claims.withdraw_claim(withdrawn, session.get(FarmerProfile, withdrawn.farmer_id).user)
    seen |= _assert_current(session)
    for status in ("assessed", "proposed", "decided", "objection"):
        built = claim_in(status)
        seen |= _assert_current(session)
    proposed = claim_in("assessed")
    proposed.backstop_deadline = today() + timedelta(days=3)
    send_delay_notice(proposed, officer)  # moves the target decision date
    seen |= _assert_current(session)
    assert built and seen >= set(ClaimStatus) - {ClaimStatus.PAID}
    # The bulk refresh and the migration's backfill compute the same values.
    session.execute(text("UPDATE claims SET next_due_at = NULL"))
    assert refresh_next_due(session) == len(_stored_vs_defined(session))
    _assert_current(session)
    backfills = []
    for name, path in (("next_due_migration", MIGRATION), ("objection", OBJECTION_MIGRATION)):
        spec = importlib.util.spec_from_file_location(name, path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        backfills.append(getattr(migration, "NEXT_DUE", None) or migration.NEXT_DUE_OBJECTIONS)
    expected = _stored_vs_defined(session)
    session.execute(text("UPDATE claims SET next_due_at = NULL"))
    for backfill in backfills:
        session.execute(text(backfill))
    session.expire_all()
    assert _stored_vs_defined(session) == expected


def test_overdue_filter_on_the_stored_date_is_the_old_condition(session, claim_in, officer):
    late = claim_in("assessed")
    late.decision_target = today() - timedelta(days=2)
    claim_in("proposed")
    on = today()
    old = set(session.scalars(select(Claim.id).where(overdue_condition(on))))
    new = set(session.scalars(select(Claim.id).where(Claim.next_due_at < on)))
    assert old == new and late.id in new


def test_queue_is_in_the_order_of_the_old_expression(client, session, claim_in, officer, api_token):
    made = [claim_in("assessed") for _ in range(4)]
    for n, claim in enumerate(made):
        claim.decision_target = today() + timedelta(days=10 - 3 * n)
    made[0].decision_target = None
    session.flush()
    rows = client.get("/api/v1/queue", headers=api_token(officer)).json["rows"]
    due = next_due_expression()
    expected = session.scalars(
        select(Claim.id)
        .where(Claim.id.in_([c.id for c in made]))
        .order_by(due.is_(None), due, Claim.id)
    ).all()
    assert [row["id"] for row in rows] == expected


class Statements:
    """The SQL text of every statement sent while active."""

    def __init__(self, engine) -> None:
        self.engine, self.sent = engine, []

    def _seen(self, _conn, _cursor, statement, *_rest) -> None:
        self.sent.append(" ".join(statement.split()))

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def test_creating_a_claim_asks_nothing_it_knows_already(app, client, session, api_token):
    from faunaschade.farmers.operations import add_parcel
    from faunaschade.models import User

    user = session.scalar(select(User).where(User.id == _farmer_id(session, api_token)))
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))
    parcel = add_parcel(profile, parcel_body(area_ha=Decimal("4.2")), user)
    session.flush()
    headers = {**api_token(user), "Idempotency-Key": str(uuid.uuid4())}
    body = claim_body(parcel.id)
    session.expunge_all()  # nothing of the farmer's held in memory: the request reads its own
    with app.app_context():
        engine = db.engine
    with Statements(engine) as counted:
        answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    claim = answer.json
    assert claim["reference"] == f"FS-{claim['discovered_on'][:4]}-{claim['id']:06d}"
    assert claim["parcels"][0]["parcel_name"] == "Achter de schuur" and claim["attachments"] == []
    sent = counted.sent
    # The audit sealer's UPDATE comes after the commit (AUDIT_SEALER=commit in tests).
    updates = [
        s for s in sent if s.startswith("UPDATE") and not s.startswith("UPDATE audit_events")
    ]
    assert not updates, "no UPDATE after the INSERTs"
    assert not [s for s in sent if "FROM user_provinces" in s], "provinces come with the token"
    assert not [s for s in sent if "FROM idempotency_keys" in s], "the key is one INSERT"
    assert not [s for s in sent if "FROM decisions" in s or "FROM attachments" in s]
    assert len([s for s in sent if "FROM parcels" in s]) == 1
    # The farmer's profile comes with the token, and the claim holds it for the answer's
    # farmer_name: no statement of its own reads it.
    assert not [s for s in sent if "FROM farmer_profiles" in s]
    assert [s for s in sent if "JOIN auth_tokens" in s and "JOIN farmer_profiles" in s]


def _farmer_id(session, api_token) -> int:
    from faunaschade.accounts.users import create_user
    from faunaschade.models import Role
    from tests.support.app import DEMO_PASSWORD

    user = create_user("snel@boerderij.nl", DEMO_PASSWORD, Role.FARMER)
    session.add(
        FarmerProfile(
            user_id=user.id,
            name="Snel",
            kvk="07654321",
            iban="NL91ABNA0417164300",
            address="Dijk 2",
            postcode="8501 AB",
            city="Joure",
        )
    )
    session.flush()
    return user.id


def test_a_replayed_key_whose_work_now_fails_gets_the_first_answer(
    client, session, claim_in, officer, api_token
):
    claim = claim_in("assessed")
    claim.status = ClaimStatus.SUBMITTED  # a claim an officer can still ask to complete
    session.flush()
    headers = {**api_token(officer), "Idempotency-Key": "aanvulling-1"}
    body = {"message": "Stuur foto's.", "days": 5}
    url = f"/api/v1/claims/{claim.id}/completion-request"
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 200, first.json
    replay = client.post(url, json=body, headers=headers)  # the claim is incomplete by now
    assert replay.status_code == 200 and replay.json == first.json
    assert replay.headers["Idempotent-Replayed"] == "true"
    fresh = client.post(url, json=body, headers={**headers, "Idempotency-Key": "aanvulling-2"})
    assert fresh.status_code == 409


def test_no_status_before_a_decision_follows_one():
    """claims.operations.UNDECIDED skips the decision query: none of them can follow `decided`."""
    reachable, todo = set(), [ClaimStatus.DECIDED]
    while todo:
        for target in CLAIM_LIFECYCLE.allowed_targets(todo.pop()):
            if target not in reachable:
                reachable.add(target)
                todo.append(target)
    assert reachable.isdisjoint(claims.UNDECIDED)
    assert ClaimStatus.DECIDED not in claims.UNDECIDED


def test_a_submission_makes_no_schema_of_its_own(app, client, session, api_token, monkeypatch):
    """Issue 13: webargs made a new load schema (copying every field) for every request; the
    API's parser keeps one per schema class (api/blueprint.py)."""
    from faunaschade.farmers.operations import add_parcel
    from faunaschade.models import User

    user = session.scalar(select(User).where(User.id == _farmer_id(session, api_token)))
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))
    parcel = add_parcel(profile, parcel_body(area_ha=Decimal("4.2")), user)
    session.flush()

    def submit() -> dict:
        headers = {**api_token(user), "Idempotency-Key": str(uuid.uuid4())}
        answer = client.post("/api/v1/claims", json=claim_body(parcel.id), headers=headers)
        assert answer.status_code == 201, answer.json
        return answer.json

    submit()  # the first request may make what the process keeps
    made = []
    original = Schema.__init__

    def counted(self, *args, **kwargs) -> None:
        made.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Schema, "__init__", counted)
    second = submit()
    assert not made, f"schemas made per request: {made}"
    bad = client.post(
        "/api/v1/claims",
        json={**claim_body(parcel.id), "discovered_on": "gisteren"},
        headers={**api_token(user), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert bad.status_code == 422 and "discovered_on" in bad.json["error"]["fields"]
    assert second["reference"].startswith("FS-")
