"""The workflow table, transitions with audit events, and the hash chain."""

from datetime import date
from itertools import pairwise

import pytest
from sqlalchemy import select, text

from faunaschade.audit import chain as audit
from faunaschade.claims.workflow import TRANSITIONS, transition
from faunaschade.errors import InvalidTransition
from faunaschade.models import AuditEvent, Claim, ClaimKind, ClaimStatus, FarmerProfile

S = ClaimStatus

SPEC_TABLE = {
    (S.DRAFT, S.AWAITING_PAYMENT),
    (S.DRAFT, S.SUBMITTED),
    (S.AWAITING_PAYMENT, S.SUBMITTED),
    (S.SUBMITTED, S.INCOMPLETE),
    (S.INCOMPLETE, S.SUBMITTED),
    (S.INCOMPLETE, S.DECIDED),
    (S.SUBMITTED, S.ASSESSMENT_ORDERED),
    (S.ASSESSMENT_ORDERED, S.ASSESSED),
    (S.ASSESSED, S.PROPOSED),
    (S.SUBMITTED, S.PROPOSED),
    (S.PROPOSED, S.DECIDED),
    (S.DECIDED, S.PAID),
    (S.PROPOSED, S.ASSESSED),
    (S.PROPOSED, S.SUBMITTED),
    (S.DECIDED, S.OBJECTION),
    # Issue 15 part 4: the objection period runs whatever the payment (README, claim life cycle).
    (S.PAID, S.OBJECTION),
    (S.OBJECTION, S.DECIDED),
    (S.DRAFT, S.WITHDRAWN),
    (S.AWAITING_PAYMENT, S.WITHDRAWN),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.INCOMPLETE, S.WITHDRAWN),
    (S.ASSESSMENT_ORDERED, S.WITHDRAWN),
}


@pytest.fixture
def claim(session, make_user):
    farmer = make_user("farmer")
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    claim = Claim(
        reference="FS-2025-000001",
        farmer_id=profile.id,
        province="FR",
        kind=ClaimKind.CROP,
        crop="blijvend_grasland",
        discovered_on=date(2025, 2, 3),
    )
    session.add(claim)
    session.flush()
    return claim


def test_table_is_exactly_the_spec():
    assert set(TRANSITIONS) == SPEC_TABLE


@pytest.mark.parametrize(("start", "to"), sorted(SPEC_TABLE))
def test_every_allowed_transition_records_an_event(session, claim, start, to):
    claim.status = start
    transition(claim, to, actor=None, reason="test")
    session.flush()
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert claim.status == to
    assert (event.action, event.claim_id) == ("claim.transition", claim.id)
    assert (event.from_status, event.to_status, event.reason) == (start.value, to.value, "test")


def test_forbidden_transition_is_refused_clearly(session, claim):
    before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    with pytest.raises(InvalidTransition) as err:
        transition(claim, S.PAID, actor=None)
    assert claim.status == S.DRAFT
    assert "draft" in err.value.message and "paid" in err.value.message
    assert err.value.status == 409
    after = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    assert before == after


def test_chain_links_each_event_to_the_previous(session, claim):
    transition(claim, S.SUBMITTED, actor=None)
    transition(claim, S.ASSESSMENT_ORDERED, actor=None)
    session.commit()  # sealed after the commit
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for previous, current in pairwise(events):
        assert current.prev_hash == previous.hash
    assert audit.verify().intact


def test_verify_detects_an_edited_event(session, claim):
    transition(claim, S.SUBMITTED, actor=None, reason="origineel")
    session.flush()
    session.execute(text("UPDATE audit_events SET reason = 'vervalst' WHERE reason = 'origineel'"))
    session.expire_all()
    report = audit.verify()
    assert not report.intact
    assert any("edited" in problem for problem in report.problems)


def test_verify_detects_a_deleted_event(session, claim):
    transition(claim, S.SUBMITTED, actor=None)
    transition(claim, S.ASSESSMENT_ORDERED, actor=None)
    transition(claim, S.ASSESSED, actor=None)
    session.commit()
    middle = session.scalar(
        select(AuditEvent.seq).where(AuditEvent.to_status == "assessment_ordered")
    )
    session.execute(text("DELETE FROM audit_events WHERE seq = :seq"), {"seq": middle})
    session.expire_all()
    report = audit.verify()
    assert any("missing" in problem for problem in report.problems)


def test_audit_verify_command_fails_after_an_edit(app, session, claim):
    transition(claim, S.SUBMITTED, actor=None)
    session.flush()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    session.execute(
        text("UPDATE audit_events SET to_status = 'paid' WHERE to_status = 'submitted'")
    )
    session.expire_all()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "BROKEN" in broken.output
