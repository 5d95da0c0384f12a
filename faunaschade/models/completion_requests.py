"""Requests to complete a claim (verzoek om aanvulling) as the audit chain records them.

The transition to `incomplete` is the record of a request: append-only and hash-chained, so a
letter (also when regenerated) prints exactly what was asked. Read by the completion use case
and by the completion-request letter alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from faunaschade.clock import local_day
from faunaschade.extensions import db
from faunaschade.models.audit import AuditEvent
from faunaschade.models.claims import Claim, ClaimStatus


@dataclass(frozen=True)
class CompletionRequest:
    """One request to complete the claim, as recorded in the audit log."""

    number: int  #: 1 for the first request on the claim, 2 for the second…
    message: str  #: What is missing, in the officer's words.
    deadline: date  #: Last day to complete.
    requested_on: date  #: Day of the request (Europe/Amsterdam).

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The message split at blank lines."""
        return tuple(p.strip() for p in re.split(r"\n\s*\n", self.message) if p.strip())


def completion_requests(claim: Claim) -> list[CompletionRequest]:
    # The transition's audit event is the record of the request: append-only and hash-chained,
    # so the letter (also when regenerated) prints exactly what was asked.
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.claim_id == claim.id,
            AuditEvent.action == "claim.transition",
            AuditEvent.to_status == ClaimStatus.INCOMPLETE.value,
        )
        .order_by(AuditEvent.id)
    )
    return [
        CompletionRequest(
            number=n,
            message=(e.data or {}).get("message", ""),
            deadline=date.fromisoformat((e.data or {})["deadline"]),
            requested_on=local_day(e.occurred_at),
        )
        for n, e in enumerate(events, start=1)
        if (e.data or {}).get("deadline")
    ]


def completion_request(claim: Claim, number: int | None = None) -> CompletionRequest | None:
    """The claim's n-th completion request (default: the latest), or None."""
    found = completion_requests(claim)
    if not found:
        return None
    if number is None:
        return found[-1]
    return found[number - 1] if 0 < number <= len(found) else None
