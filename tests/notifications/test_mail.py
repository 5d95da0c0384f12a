"""Notification e-mails: queued after commit, sent by a real rq worker to a real SMTP server."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from faunaschade.models import (
    AuditEvent,
    Claim,
    ClaimStatus,
    Decision,
    DefaultNotice,
    JobRecord,
    JobStatus,
    Objection,
    Outcome,
    PenaltyDecision,
    Proposal,
    ProposalStatus,
    Role,
    User,
)
from faunaschade.notifications.mail import MailDeliveryError, send_email
from faunaschade.notifications.operations import NotificationKind, notify
from tests.support.app import rollback_session
from tests.support.notifications import FARMER_NAME, make_claim
from tests.support.redis_server import free_port

_serial = count(1)


def add_decision(session: Any, claim: Claim, version: int = 1) -> Decision:
    """A granted decision on the claim, approved by a second officer."""
    officers = [
        User(
            email=f"ambtenaar{next(_serial)}@provincie.example",
            password_hash="-",
            role=Role.OFFICER,
        )
        for _ in range(2)
    ]
    session.add_all(officers)
    session.flush()
    proposal = Proposal(
        claim_id=claim.id,
        proposed_by=officers[0].id,
        approved_by=officers[1].id,
        outcome=Outcome.GRANTED,
        calculation={},
        rule_set_version="fr-2024-01-01",
        status=ProposalStatus.APPROVED,  # a decision's proposal is approved, never still open
    )
    session.add(proposal)
    session.flush()
    decision = Decision(
        claim_id=claim.id,
        proposal_id=proposal.id,
        version=version,
        kenmerk=f"{claim.reference}-B{version}",
        decided_on=date(2025, 7, 21),
        outcome=Outcome.GRANTED,
        assessed_damage=Decimal("3200.00"),
        own_risk=Decimal("250.00"),
        supplement=Decimal("0.00"),
        reduction=Decimal("0.00"),
        payout=Decimal("2950.00"),
        leges_refund=Decimal("300.00"),
        objection_deadline=date(2025, 9, 1),
        prepared_by=officers[0].id,
        approved_by=officers[1].id,
    )
    session.add(decision)
    session.flush()
    return decision


#: kind → (claim columns, words in the subject, sentences in the body)
CASES: dict[NotificationKind, tuple[dict[str, Any], list[str], list[str]]] = {
    NotificationKind.SUBMITTED: (
        {"status": ClaimStatus.SUBMITTED, "backstop_deadline": date(2025, 5, 8)},
        ["ontvangen"],
        [
            "Wij hebben uw aanvraag voor een tegemoetkoming in faunaschade ontvangen.",
            "U hoeft nu niets te doen.",
            "U hoort uiterlijk 8 mei 2025 van ons",
            "oogst of bewerk het beschadigde gewas niet",
        ],
    ),
    NotificationKind.COMPLETION_REQUESTED: (
        {"status": ClaimStatus.INCOMPLETE, "completion_deadline": date(2025, 3, 12)},
        ["Aanvulling nodig", "uiterlijk 12 maart 2025"],
        [
            "heeft meer informatie van u nodig",
            "Vul uw aanvraag uiterlijk 12 maart 2025 aan.",
            "artikel 4:5 van de Algemene wet bestuursrecht",
        ],
    ),
    NotificationKind.ASSESSMENT_CONFIRMATION: (
        {
            "status": ClaimStatus.ASSESSED,
            "zienswijze_deadline": date(2025, 6, 17),
            "decision_target": date(2025, 8, 12),
        },
        ["Taxatie", "reageer uiterlijk 17 juni 2025"],
        [
            "De bevestiging van de taxatie staat voor u klaar",
            "geef dan uw zienswijze (uw reactie) uiterlijk 17 juni 2025 via de link",
            "een besluit, naar verwachting uiterlijk 12 augustus 2025.",
        ],
    ),
    NotificationKind.DECISION: (
        {"status": ClaimStatus.DECIDED},
        ["Besluit over aanvraag"],
        [
            "heeft op 21 juli 2025 een besluit genomen",
            "Uw aanvraag is toegekend.",
            "U ontvangt een tegemoetkoming van € 2.950,00.",
            "U krijgt de leges van € 300,00 terug.",
            "Dan kunt u tot en met 1 september 2025 bezwaar maken",
        ],
    ),
    NotificationKind.PENALTY_DECISION: (
        {"status": ClaimStatus.DECIDED},
        ["Dwangsom bij aanvraag"],
        [
            "Op 21 juli 2025 heeft de provincie vastgesteld welke dwangsom",
            "De dwangsom is € 532,00 over 20 dagen.",
            "dan kunt u tot en met 1 september 2025 bezwaar maken",
        ],
    ),
    NotificationKind.OBJECTION_RECEIPT: (
        {"status": ClaimStatus.OBJECTION},
        ["Uw bezwaar over aanvraag", "is ontvangen"],
        [
            "Op 25 augustus 2025 heeft de provincie Fryslân uw bezwaar ontvangen tegen het "
            "besluit met kenmerk",
            "Wij beslissen op uw bezwaar uiterlijk 13 oktober 2025",
        ],
    ),
    NotificationKind.HEARING_INVITATION: (
        {"status": ClaimStatus.OBJECTION},
        ["Uitnodiging hoorzitting op 16 september 2025 10:00"],
        [
            "toe te lichten op een hoorzitting (artikel 7:2",
            "Wanneer: 16 september 2025 10:00 (Nederlandse tijd)",
            "Waar: Provinsjehûs, Ljouwert",
            "Videoverbinding: https://video.example.nl/hoorzitting/1",
        ],
    ),
    NotificationKind.OBJECTION_EXTENSION: (
        {"status": ClaimStatus.OBJECTION},
        ["uitgesteld tot 24 november 2025"],
        [
            "uiterlijk 24 november 2025 in plaats van 13 oktober 2025",
            "De reden: Advies van een tweede taxateur.",
        ],
    ),
}
#: The e-mails about an objection; their test claim has one (add_objection).
OBJECTION_KINDS = (
    NotificationKind.OBJECTION_RECEIPT,
    NotificationKind.HEARING_INVITATION,
    NotificationKind.OBJECTION_EXTENSION,
)


def add_objection(session: Any, claim: Claim) -> Objection:
    """An objection to a decision on the claim, with its hearing planned and postponed."""
    decision = add_decision(session, claim)
    objection = Objection(
        claim_id=claim.id,
        decision_id=decision.id,
        text="Te laag getaxeerd.",
        submitted_by=claim.farmer.user_id,
        received_on=date(2025, 8, 25),
        objection_period_end=decision.objection_deadline,
        decide_by=date(2025, 10, 13),
        extended_until=date(2025, 11, 24),
        extension_reason="Advies van een tweede taxateur.",
        hearing_at=datetime(2025, 9, 16, 8, 0, tzinfo=UTC),  # 10:00 in Ljouwert (summer time)
        hearing_place="Provinsjehûs, Ljouwert",
        hearing_video_link="https://video.example.nl/hoorzitting/1",
    )
    session.add(objection)
    session.flush()
    return objection


def add_penalty(session: Any, claim: Claim) -> PenaltyDecision:
    """A decision taken 20 days after the first penalty day, and its penalty decision."""
    decision = add_decision(session, claim)
    notice = DefaultNotice(
        claim_id=claim.id,
        sent_by=claim.farmer.user_id,
        received_on=date(2025, 6, 16),
        term_ends_on=date(2025, 6, 13),
        premature=False,
        first_penalty_day=date(2025, 7, 1),
    )
    session.add(notice)
    session.flush()
    made = PenaltyDecision(
        claim_id=claim.id,
        notice_id=notice.id,
        decision_id=decision.id,
        kenmerk=f"{claim.reference}-D1",
        decided_on=decision.decided_on,
        first_penalty_day=notice.first_penalty_day,
        days=20,
        amount=Decimal("532.00"),
        steps=[],
        source="Awb art. 4:17",
        prepared_by=decision.prepared_by,
        approved_by=decision.approved_by,
    )
    session.add(made)
    session.flush()
    return made


def body_of(message: Any) -> str:
    """The plain-text part as one line of words (templates may wrap anywhere)."""
    return " ".join(message.get_body(("plain",)).get_content().split())


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_each_notification_reaches_the_farmer_in_dutch(
    kind, app, session, redis_conn, run_worker, smtp_server
):
    columns, subject_words, sentences = CASES[kind]
    claim = make_claim(session, **columns)
    if kind == NotificationKind.DECISION:
        add_decision(session, claim)
    if kind == NotificationKind.PENALTY_DECISION:
        add_penalty(session, claim)
    if kind in OBJECTION_KINDS:
        add_objection(session, claim)
    notify(kind, claim)
    assert len(Queue("default", connection=redis_conn)) == 0  # nothing before the commit
    session.commit()
    run_worker()

    [message] = smtp_server.wait_for(1)
    assert message["To"] == claim.farmer.user.email
    assert smtp_server.envelope_recipients == [[claim.farmer.user.email]]
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["Message-ID"].strip().startswith(f"<mail-{kind}-claim-{claim.id}-v1.")
    assert message["Date"] and message["Content-Language"] == "nl"
    assert claim.reference in message["Subject"]
    assert all(word in message["Subject"] for word in subject_words), message["Subject"]
    body = message.get_body(("plain",))
    assert body.get_content_charset() == "utf-8"
    text = body.get_content()
    assert text.startswith(f"Beste {FARMER_NAME},\n")
    assert claim.reference in text
    assert f"http://127.0.0.1:5000/aanvragen/{claim.id}" in text
    for sentence in sentences:
        assert sentence in body_of(message), f"{sentence!r} not in:\n{text}"
    assert "{" not in text and "\n\n\n" not in text  # no template debris

    session.expire_all()
    record = session.get(JobRecord, f"mail-{kind}-claim-{claim.id}-v1")
    assert (record.status, record.attempts) == (JobStatus.FINISHED, 1)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "notification.queued"))
    assert event.claim_id == claim.id and event.data["kind"] == kind.value
    assert "@" not in json.dumps(event.data)


def test_submitted_while_leges_are_due_asks_for_payment(session, run_worker, smtp_server):
    claim = make_claim(session, status=ClaimStatus.AWAITING_PAYMENT, leges=Decimal("300.00"))
    notify("submitted", claim)
    session.commit()
    run_worker()
    text = body_of(smtp_server.wait_for(1)[0])
    assert "Betaal de leges van € 300,00." in text
    assert "U hoeft nu niets te doen" not in text


def test_decision_on_objection_points_to_the_court(session, run_worker, smtp_server):
    claim = make_claim(session, status=ClaimStatus.DECIDED)
    first = add_decision(session, claim)
    second = add_decision(session, claim, version=2)
    second.supersedes_id = first.id
    session.flush()
    notify(NotificationKind.DECISION, claim)
    session.commit()
    run_worker()
    message = smtp_server.wait_for(1)[0]
    text = body_of(message)
    assert message["Subject"] == f"Beslissing op bezwaar over aanvraag {claim.reference}"
    assert "beroep instellen bij de rechtbank" in text and f"{claim.reference}-B2" in text


def test_the_invitation_to_a_moved_hearing_says_so(session, run_worker, smtp_server):
    claim = make_claim(session, status=ClaimStatus.OBJECTION)
    objection = add_objection(session, claim)
    notify(NotificationKind.HEARING_INVITATION, claim, subject=f"objection-{objection.id}")
    moved = f"objection-{objection.id}-hearing-2"
    notify(NotificationKind.HEARING_INVITATION, claim, subject=moved)
    session.commit()
    run_worker()
    messages = smtp_server.wait_for(2)
    by_id = {m["Message-ID"].strip().split(".")[0]: m for m in messages}
    first = by_id[f"<mail-hearing_invitation-claim-{claim.id}-objection-{objection.id}"]
    second = by_id[f"<mail-hearing_invitation-claim-{claim.id}-{moved}"]
    assert first["Subject"].startswith("Uitnodiging hoorzitting")
    assert second["Subject"].startswith("Hoorzitting over uw bezwaar verplaatst naar 16 september")
    assert "Deze uitnodiging vervangt de eerdere." in body_of(second)


def test_rolled_back_notification_sends_nothing(session, redis_conn, run_worker, smtp_server):
    claim = make_claim(session)
    session.commit()
    notify(NotificationKind.SUBMITTED, claim)
    session.rollback()
    session.commit()
    run_worker()
    assert len(Queue("default", connection=redis_conn)) == 0
    assert session.scalars(select(JobRecord)).all() == []
    assert smtp_server.messages == []


def test_retried_notification_is_sent_once_and_audited_once(session, run_worker, smtp_server):
    claim = make_claim(session, status=ClaimStatus.INCOMPLETE)
    notify(NotificationKind.COMPLETION_REQUESTED, claim)
    session.commit()
    notify(NotificationKind.COMPLETION_REQUESTED, claim)  # e.g. the request was retried
    session.commit()
    run_worker()
    smtp_server.wait_for(1)
    run_worker()
    assert len(smtp_server.messages) == 1
    queued = select(AuditEvent).where(AuditEvent.action == "notification.queued")
    assert len(session.scalars(queued).all()) == 1


def test_a_new_completion_request_after_a_change_is_sent_again(session, run_worker, smtp_server):
    claim = make_claim(session, status=ClaimStatus.INCOMPLETE)
    notify(NotificationKind.COMPLETION_REQUESTED, claim)
    session.commit()
    claim.status = ClaimStatus.SUBMITTED  # completed, …
    session.flush()
    claim.status = ClaimStatus.INCOMPLETE  # … and asked again
    notify(NotificationKind.COMPLETION_REQUESTED, claim)
    session.commit()
    run_worker()
    ids = [m["Message-ID"].strip().split(".")[0] for m in smtp_server.wait_for(2)]
    assert sorted(ids) == [
        f"<mail-completion_requested-claim-{claim.id}-v1",
        f"<mail-completion_requested-claim-{claim.id}-v3",
    ]


def test_smtp_down_fails_the_job_retries_it_and_loses_nothing(
    app, session, redis_conn, run_worker, smtp_server, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    claim = make_claim(session)
    notify(NotificationKind.SUBMITTED, claim)
    session.commit()
    job_id = f"mail-submitted-claim-{claim.id}-v1"
    run_worker()
    session.expire_all()
    record = session.get(JobRecord, job_id)
    assert (record.status, record.attempts) == (JobStatus.FAILED, 4)  # first try + 3 retries
    assert "MailDeliveryError" in record.error and "ConnectionRefusedError" in record.error
    assert smtp_server.messages == []

    # The server is back: the failed job is still in rq's failed registry and in the database.
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    FailedJobRegistry("default", connection=redis_conn).requeue(job_id)
    run_worker()
    assert smtp_server.wait_for(1)[0]["To"] == claim.farmer.user.email
    session.expire_all()
    assert session.get(JobRecord, job_id).status == JobStatus.FINISHED


def test_refused_recipient_is_retried_and_no_address_is_stored_or_logged(
    session, redis_conn, run_worker, smtp_server, caplog
):
    caplog.set_level(logging.INFO)
    claim = make_claim(session)
    email = claim.farmer.user.email
    smtp_server.refuse_next = 1  # a temporary refusal; the retry gets through
    notify(NotificationKind.SUBMITTED, claim)
    session.commit()
    run_worker()
    assert len(smtp_server.wait_for(1)) == 1
    session.expire_all()
    record = session.get(JobRecord, f"mail-submitted-claim-{claim.id}-v1")
    assert (record.status, record.attempts) == (JobStatus.FINISHED, 2)

    other = make_claim(session)
    smtp_server.refuse_next = 10  # refused every time
    notify(NotificationKind.SUBMITTED, other)
    session.commit()
    run_worker()
    session.expire_all()
    job_id = f"mail-submitted-claim-{other.id}-v1"
    record = session.get(JobRecord, job_id)
    assert record.status == JobStatus.FAILED
    assert "recipient refused (SMTP 450)" in record.error
    rq_job = Job.fetch(job_id, connection=redis_conn)
    # Our loggers and rq's; aiosmtpd's "mail.log" is the test server talking about itself.
    logged = "\n".join(
        caplog.handler.format(r) for r in caplog.records if not r.name.startswith("mail.")
    )
    for text in (record.error, rq_job.latest_result().exc_string, logged):
        assert email not in text and other.farmer.user.email not in text


def test_without_redis_the_mail_is_sent_in_process(other_app, smtp_server):
    app = other_app(
        REDIS_URL=None,
        JOBS_IN_PROCESS=True,
        MAIL_SERVER=smtp_server.host,
        MAIL_PORT=smtp_server.port,
    )
    with rollback_session(app) as session:
        claim = make_claim(
            session, status=ClaimStatus.INCOMPLETE, completion_deadline=date(2025, 3, 12)
        )
        notify(NotificationKind.COMPLETION_REQUESTED, claim)
        session.commit()
        [message] = smtp_server.wait_for(1)
        assert "uiterlijk 12 maart 2025" in message["Subject"]
        record = session.get(JobRecord, f"mail-completion_requested-claim-{claim.id}-v1")
        assert record.status == JobStatus.FINISHED


def test_send_email_logs_in_and_adds_the_html_alternative(app, session, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "faunaschade")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "geheim")
    send_email("boer@example.nl", "Proef ✓", "Hallo, dit is een proef.", "<p>Hallo</p>")
    [message] = smtp_server.wait_for(1)
    assert smtp_server.logins == [("faunaschade", "geheim")]
    assert message["Subject"] == "Proef ✓"
    assert message.get_body(("plain",)).get_content() == "Hallo, dit is een proef.\n"
    assert message.get_body(("html",)).get_content() == "<p>Hallo</p>\n"


def test_send_email_to_a_closed_port_raises_without_the_address(app, session, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    with pytest.raises(MailDeliveryError) as failure:
        send_email("boer@example.nl", "Proef", "Hallo")
    assert "boer@example.nl" not in str(failure.value)
    assert failure.value.__cause__ is None and failure.value.__suppress_context__


def test_no_mail_once_the_farmers_personal_data_is_erased(session, run_worker, smtp_server):
    claim = make_claim(session)
    notify(NotificationKind.SUBMITTED, claim)
    claim.farmer.erased_at = claim.created_at
    session.commit()
    run_worker()
    session.expire_all()
    record = session.get(JobRecord, f"mail-submitted-claim-{claim.id}-v1")
    assert record.status == JobStatus.FINISHED and smtp_server.messages == []


def test_unknown_kind_is_refused(session):
    with pytest.raises(ValueError):
        notify("birthday", make_claim(session))
