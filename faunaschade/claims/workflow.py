"""The claim life cycle of SPEC §2: the only place a claim's status changes."""

from __future__ import annotations

from typing import Any

from faunaschade.audit import chain as audit
from faunaschade.errors import InvalidTransition
from faunaschade.models.base import locked
from faunaschade.models.claims import Claim, ClaimStatus

S = ClaimStatus

#: (from, to) → what the step is called, in Dutch for the timeline.
TRANSITIONS: dict[tuple[ClaimStatus, ClaimStatus], str] = {
    (S.DRAFT, S.AWAITING_PAYMENT): "Aanvraag ingediend, leges nog te betalen",
    (S.DRAFT, S.SUBMITTED): "Aanvraag ingediend",
    (S.AWAITING_PAYMENT, S.SUBMITTED): "Leges betaald, aanvraag in behandeling",
    (S.SUBMITTED, S.INCOMPLETE): "Aanvulling gevraagd",
    (S.INCOMPLETE, S.SUBMITTED): "Aanvraag aangevuld",
    (S.INCOMPLETE, S.DECIDED): "Buiten behandeling gelaten (termijn verstreken)",
    (S.SUBMITTED, S.ASSESSMENT_ORDERED): "Taxatie opgedragen",
    (S.ASSESSMENT_ORDERED, S.ASSESSED): "Taxatierapport ontvangen",
    (S.ASSESSED, S.PROPOSED): "Besluit voorgesteld",
    (S.SUBMITTED, S.PROPOSED): "Afwijzing voorgesteld",
    (S.PROPOSED, S.DECIDED): "Besluit genomen (vier ogen)",
    (S.PROPOSED, S.ASSESSED): "Voorstel teruggestuurd",
    (S.PROPOSED, S.SUBMITTED): "Voorstel teruggestuurd",
    (S.DECIDED, S.PAID): "Uitbetaald",
    (S.DECIDED, S.OBJECTION): "Bezwaar ingediend",
    (S.OBJECTION, S.DECIDED): "Besluit op bezwaar genomen",
    **{
        (start, S.WITHDRAWN): "Aanvraag ingetrokken"
        for start in (S.DRAFT, S.AWAITING_PAYMENT, S.SUBMITTED, S.INCOMPLETE, S.ASSESSMENT_ORDERED)
    },
}


def lock(claim: Claim) -> Claim:
    """Re-read the claim under its row lock (models.base.locked) before deciding on its status.

    Whoever decides next (a second officer, a payment confirmation) waits until this
    transaction ends, and this one sees what the previous one committed.
    """
    return locked(Claim, claim.id)


def allowed_targets(status: ClaimStatus) -> list[ClaimStatus]:
    """Statuses reachable from this one in one step."""
    return [to for (start, to) in TRANSITIONS if start == status]


def can_transition(claim: Claim, to: ClaimStatus) -> bool:
    """True when the table allows the step from the claim's current status."""
    return (claim.status, to) in TRANSITIONS


def transition(
    claim: Claim,
    to: ClaimStatus,
    actor: Any,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Move the claim to `to` if the table allows it, and record the audit event."""
    start = claim.status
    if (start, to) not in TRANSITIONS:
        raise InvalidTransition(
            f"Aanvraag {claim.reference} kan niet van '{start.value}' naar '{to.value}'.",
            fields={
                "status": [
                    f"toegestaan vanuit '{start.value}': "
                    + ", ".join(t.value for t in allowed_targets(start))
                ]
            },
        )
    claim.status = to
    audit.record(
        "claim.transition",
        claim,
        actor=actor,
        claim_id=claim.id,
        from_status=start.value,
        to_status=to.value,
        reason=reason or TRANSITIONS[(start, to)],
        data=data,
    )
