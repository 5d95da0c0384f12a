"""Which audit events become which CloudEvents, and what each carries.

Every claim, decision, letter and payment change records an audit event (audit.record); the
ones named here are announced. `derive(audit_event)` answers the CloudEvent's type, subject,
claim, `data` and the API path of `dataref`, or None for an action nobody is told about.

`data` holds ids, codes, statuses, dates and amounts only: never a name, address, e-mail,
IBAN, KvK number or free text (a reason, a note, a motivation). Whoever needs more asks the API
at `dataref` with their own token ("informatiearm notificeren", NL GOV profile).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from faunaschade.extensions import db
from faunaschade.i18n import N_
from faunaschade.models import (
    AuditEvent,
    Claim,
    ClaimStatus,
    Decision,
    Letter,
    PaymentBatch,
    PenaltyDecision,
)

PREFIX = "nl.faunaschade."

#: Every type a subscriber may choose, with its Dutch description (the admin page's list).
EVENT_TYPES: dict[str, str] = {
    "nl.faunaschade.claim.created": N_("Aanvraag aangemaakt (concept)"),
    "nl.faunaschade.claim.awaiting_payment": N_("Aanvraag wacht op de leges"),
    "nl.faunaschade.claim.submitted": N_("Aanvraag ingediend"),
    "nl.faunaschade.claim.incomplete": N_("Aanvraag onvolledig (verzoek om aanvulling)"),
    "nl.faunaschade.claim.assessment_ordered": N_("Taxatie opgedragen"),
    "nl.faunaschade.claim.assessed": N_("Aanvraag getaxeerd"),
    "nl.faunaschade.claim.proposed": N_("Besluit voorgesteld"),
    "nl.faunaschade.claim.decided": N_("Aanvraag besloten"),
    "nl.faunaschade.claim.objection": N_("Aanvraag in bezwaar"),
    "nl.faunaschade.claim.paid": N_("Aanvraag uitbetaald"),
    "nl.faunaschade.claim.withdrawn": N_("Aanvraag ingetrokken"),
    "nl.faunaschade.decision.taken": N_("Besluit genomen (na vier ogen)"),
    "nl.faunaschade.objection.filed": N_("Bezwaar ingediend"),
    "nl.faunaschade.objection.decided": N_("Op bezwaar besloten"),
    "nl.faunaschade.penalty_decision.taken": N_("Dwangsom vastgesteld"),
    "nl.faunaschade.reclaim.recorded": N_("Terugvordering vastgelegd"),
    "nl.faunaschade.letter.ready": N_("Brief opgemaakt (PDF beschikbaar)"),
    "nl.faunaschade.leges.paid": N_("Leges betaald"),
    "nl.faunaschade.leges.refund_due": N_("Leges terug te betalen"),
    "nl.faunaschade.payment_batch.approved": N_("Betaalbatch goedgekeurd"),
    "nl.faunaschade.payment_batch.exported": N_("Betaalbatch geëxporteerd (pain.001)"),
    "nl.faunaschade.payment_batch.paid": N_("Betaalbatch uitbetaald"),
    "nl.faunaschade.payment_batch.cancelled": N_("Betaalbatch geannuleerd"),
}


@dataclass(frozen=True)
class Derived:
    """What a CloudEvent says, before it has an id and a sequence."""

    type: str
    subject: str
    claim_id: int | None
    data: dict[str, Any]
    #: The API path of the resource (dataref = PUBLIC_BASE_URL + this).
    path: str


def _claim(event: AuditEvent) -> Claim | None:
    return db.session.get(Claim, event.claim_id) if event.claim_id is not None else None


def _claim_data(claim: Claim) -> dict[str, Any]:
    return {
        "claim_id": claim.id,
        "reference": claim.reference,
        "kind": claim.kind.value,
        "province": claim.province,
        "status": claim.status.value,
    }


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


def _on_claim(kind: str, extra: Callable[[AuditEvent, Claim], dict[str, Any]] | None = None):
    def build(event: AuditEvent) -> Derived | None:
        claim = _claim(event)
        if claim is None:
            return None
        data = _claim_data(claim) | (extra(event, claim) if extra else {})
        path = f"/api/v1/claims/{claim.id}"
        return Derived(PREFIX + kind, claim.reference, claim.id, data, path)

    return build


def _transition(event: AuditEvent) -> Derived | None:
    if event.to_status not in {s.value for s in ClaimStatus} or event.to_status == "draft":
        return None
    return _on_claim(
        f"claim.{event.to_status}",
        lambda e, _claim: {"status": e.to_status, "previous_status": e.from_status},
    )(event)


def _decision(event: AuditEvent) -> Derived | None:
    decision = db.session.get(Decision, event.object_id)
    built = _on_claim(
        "decision.taken",
        lambda _e, _c: {
            "decision_id": decision.id,
            "kenmerk": decision.kenmerk,
            "version": decision.version,
            "outcome": decision.outcome.value,
            "decided_on": decision.decided_on.isoformat(),
            "objection_deadline": decision.objection_deadline.isoformat(),
            "payout": _money(decision.payout),
            "leges_refund": _money(decision.leges_refund),
            "supersedes_decision_id": decision.supersedes_id,
        },
    )(event)
    if built is None:
        return None
    return Derived(built.type, built.subject, built.claim_id, built.data, built.path + "/decision")


def _letter(event: AuditEvent) -> Derived | None:
    letter = db.session.get(Letter, event.object_id)
    built = _on_claim(
        "letter.ready",
        lambda _e, _c: {
            "letter_id": letter.id,
            "letter_kind": letter.kind.value,
            "letter_version": letter.version,
            "decision_id": letter.decision_id,
            "sha256": letter.sha256,
        },
    )(event)
    if built is None:
        return None
    return Derived(
        built.type, built.subject, built.claim_id, built.data, f"/api/v1/letters/{letter.id}.pdf"
    )


def _penalty(event: AuditEvent) -> Derived | None:
    made = db.session.get(PenaltyDecision, event.object_id)
    return _on_claim(
        "penalty_decision.taken",
        lambda _e, _c: {
            "kenmerk": made.kenmerk,
            "days": made.days,
            "amount": _money(made.amount),
            "decided_on": made.decided_on.isoformat(),
        },
    )(event)


def _picked(*names: str, **renamed: str):
    """The named members of the audit event's data (only plain codes and amounts)."""

    def extra(event: AuditEvent, _claim: Claim) -> dict[str, Any]:
        data = event.data or {}
        picked = {name: data.get(name) for name in names}
        picked |= {new: data.get(old) for new, old in renamed.items()}
        return picked

    return extra


def batch_subject(batch_id: int) -> str:
    """The subject of a payment batch's events (a batch has no claim reference)."""
    return f"betaalbatch-{batch_id}"


def _batch(verb: str):
    def build(event: AuditEvent) -> Derived | None:
        batch = db.session.get(PaymentBatch, event.object_id)
        if batch is None:
            return None
        data = {
            "batch_id": batch.id,
            "province": batch.province,
            "status": batch.status.value,
            "total": _money(batch.total),
            "message_id": batch.message_id,
        }
        return Derived(
            PREFIX + f"payment_batch.{verb}",
            batch_subject(batch.id),
            None,
            data,
            f"/api/v1/payment-batches/{batch.id}",
        )

    return build


#: Audit action → how its CloudEvent is made.
BUILDERS: dict[str, Callable[[AuditEvent], Derived | None]] = {
    "claim.created": _on_claim("claim.created"),
    "claim.transition": _transition,
    "decision.taken": _decision,
    "objection.filed": _on_claim("objection.filed", _picked("late", decision_kenmerk="decision")),
    "objection.decided": _on_claim(
        "objection.decided", _picked("outcome", decision_kenmerk="decision")
    ),
    "penalty_decision.taken": _penalty,
    "reclaim.recorded": _on_claim("reclaim.recorded", _picked("kind", "amount")),
    "letter.stored": _letter,
    "payment.paid": _on_claim("leges.paid", _picked("amount")),
    "payment.refund_due": _on_claim("leges.refund_due", _picked("amount")),
    "payment_batch.approved": _batch("approved"),
    "payment_batch.exported": _batch("exported"),
    "payment_batch.paid": _batch("paid"),
    "payment_batch.cancelled": _batch("cancelled"),
}


def derive(event: AuditEvent) -> Derived | None:
    """The CloudEvent an audit event announces, or None."""
    build = BUILDERS.get(event.action)
    return build(event) if build is not None else None
