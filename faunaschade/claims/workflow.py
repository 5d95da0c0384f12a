"""The claim life cycle of SPEC §2: the only place a claim's status changes.

The table itself is models.claims.CLAIM_LIFECYCLE (models/lifecycle.py); a step taken here also
records the audit event `claim.transition`.
"""

from __future__ import annotations

from typing import Any

from faunaschade.audit import chain as audit
from faunaschade.models.base import locked
from faunaschade.models.claims import CLAIM_LIFECYCLE, Claim, ClaimStatus

#: (from, to) → what the step is called, in Dutch for the timeline.
TRANSITIONS: dict[tuple[ClaimStatus, ClaimStatus], str] = CLAIM_LIFECYCLE.steps


def lock(claim: Claim) -> Claim:
    """Re-read the claim under its row lock (models.base.locked) before deciding on its status.

    Whoever decides next (a second officer, a payment confirmation) waits until this
    transaction ends, and this one sees what the previous one committed.
    """
    return locked(Claim, claim.id)


def allowed_targets(status: ClaimStatus) -> list[ClaimStatus]:
    """Statuses reachable from this one in one step."""
    return CLAIM_LIFECYCLE.allowed_targets(status)


def can_transition(claim: Claim, to: ClaimStatus) -> bool:
    """True when the table allows the step from the claim's current status."""
    return CLAIM_LIFECYCLE.can_transition(claim, to)


def transition(
    claim: Claim,
    to: ClaimStatus,
    actor: Any,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Move the claim to `to` if the table allows it, and record the audit event."""
    start = CLAIM_LIFECYCLE.transition(claim, to)
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
