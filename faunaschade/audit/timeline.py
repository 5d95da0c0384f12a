"""A claim's audit events told in plain Dutch for the farmer's and officer's claim page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from faunaschade.documents.context import KIND_TITLES
from faunaschade.extensions import db
from faunaschade.models import AuditEvent, Claim
from faunaschade.money import format_eur

#: Dutch name of each letter kind, by its code.
LETTER_NAMES = {kind.value: title for kind, title in KIND_TITLES.items()}
_FIXED = {
    "claim.created": "Aanvraag aangemaakt als concept",
    "claim.updated": "Concept gewijzigd",
    "attachment.added": "Bestand toegevoegd",
    "payment.started": "Betaling van de leges gestart",
    "zienswijze.submitted": "Zienswijze op de taxatie gegeven",
    "zienswijze.agreed": "Akkoord gegeven met de taxatie",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline."""

    #: When it happened (UTC).
    at: datetime
    #: What happened, in plain Dutch.
    text: str


def describe(event: AuditEvent) -> str | None:
    """Plain Dutch for one event; None for events that mean nothing to the reader."""
    data = event.data or {}
    if event.action == "claim.transition":
        return event.reason
    if event.action == "claim.created" and data.get("kind") == "livestock":
        return f"Melding van {data.get('animals', 'de')} dode of gewonde dieren gedaan"
    if event.action == "claim.wolf_finding":
        return "Uitkomst van het veldbezoek en het DNA-onderzoek vastgelegd"
    if event.action in _FIXED:
        return _FIXED[event.action]
    if event.action == "payment.paid":
        return f"Leges betaald ({format_eur(data.get('amount'))})"
    if event.action == "payment.ended":
        return "Betaling van de leges niet afgerond"
    if event.action in ("letter.requested", "letter.stored"):
        name = LETTER_NAMES.get(data.get("kind", ""), "brief")
        return (
            f"Brief klaar: {name}"
            if event.action == "letter.stored"
            else f"Brief in voorbereiding: {name}"
        )
    if event.action == "notification.queued":
        return "E-mail verstuurd"
    return None


def timeline(claim: Claim) -> list[TimelineEntry]:
    """Every meaningful audit event of the claim, oldest first."""
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.claim_id == claim.id).order_by(AuditEvent.id)
    )
    return [TimelineEntry(e.occurred_at, text) for e in events if (text := describe(e))]
