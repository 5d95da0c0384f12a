"""A claim's audit events told in plain words for the farmer's and officer's claim page (in
the page's language; a status change shows the reason stored with it, which is Dutch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade.documents.context import KIND_TITLES
from faunaschade.extensions import db
from faunaschade.i18n import N_, language
from faunaschade.models import AuditEvent, Claim
from faunaschade.money import format_eur, written_date, written_moment

#: Dutch name of each letter kind, by its code.
LETTER_NAMES = {kind.value: title for kind, title in KIND_TITLES.items()}
_FIXED = {
    "claim.created": N_("Aanvraag aangemaakt als concept"),
    "claim.updated": N_("Concept gewijzigd"),
    "attachment.added": N_("Bestand toegevoegd"),
    "payment.started": N_("Betaling van de leges gestart"),
    "zienswijze.submitted": N_("Zienswijze op de taxatie gegeven"),
    "zienswijze.agreed": N_("Akkoord gegeven met de taxatie"),
    "report.converted": N_("Aanvraag gemaakt uit een melding"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline."""

    #: When it happened (UTC).
    at: datetime
    #: What happened, in plain words.
    text: str


def _late_decision(action: str, data: dict) -> str:
    """A notice of default or a penalty decision (Awb 4:17, 4:18) in words."""
    if action == "penalty_decision.taken":
        return _(
            "Dwangsom vastgesteld: %(amount)s (kenmerk %(kenmerk)s)",
            amount=format_eur(data.get("amount")),
            kenmerk=data.get("kenmerk", ""),
        )
    if data.get("premature") or not data.get("first_penalty_day"):
        return _("Ingebrekestelling ontvangen (voorbarig: de beslistermijn liep nog)")
    first = written_date(date.fromisoformat(data["first_penalty_day"]), language())
    return _("Ingebrekestelling ontvangen; de dwangsom loopt vanaf %(day)s", day=first)


def _objection(action: str, data: dict) -> str | None:
    """A step of the objection procedure (bezwaar) in words."""
    if action in ("objection.hearing_scheduled", "objection.hearing_rescheduled"):
        moment = datetime.fromisoformat(data["hearing_at"])
        when = written_moment(moment, language())
        if action == "objection.hearing_rescheduled":
            return _("Hoorzitting verplaatst naar %(moment)s", moment=when)
        return _("Hoorzitting gepland op %(moment)s", moment=when)
    if action == "objection.heard":
        return _("Verslag van de hoorzitting vastgelegd")
    if action == "objection.extended" and data.get("extended_until"):
        day = written_date(date.fromisoformat(data["extended_until"]), language())
        return _("Beslissing op bezwaar verdaagd tot %(day)s", day=day)
    if action == "reclaim.recorded":
        return _("Terugvordering vastgelegd: %(amount)s", amount=format_eur(data.get("amount")))
    return None


def describe(event: AuditEvent) -> str | None:
    """Plain words for one event; None for events that mean nothing to the reader."""
    data = event.data or {}
    if event.action == "claim.transition":
        return event.reason
    if event.action == "claim.created" and data.get("kind") == "livestock":
        if "animals" in data:
            return _("Melding van %(n)s dode of gewonde dieren gedaan", n=data["animals"])
        return _("Melding van de dode of gewonde dieren gedaan")
    if event.action == "claim.wolf_finding":
        return _("Uitkomst van het veldbezoek en het DNA-onderzoek vastgelegd")
    if event.action in _FIXED:
        return _(_FIXED[event.action])
    if event.action == "payment.paid":
        return _("Leges betaald (%(amount)s)", amount=format_eur(data.get("amount")))
    if event.action == "payment.ended":
        return _("Betaling van de leges niet afgerond")
    if event.action in ("letter.requested", "letter.stored"):
        # The letter's own (Dutch) title: the letter is a Dutch document.
        name = LETTER_NAMES.get(data.get("kind", ""), _("brief"))
        return (
            _("Brief klaar: %(name)s", name=name)
            if event.action == "letter.stored"
            else _("Brief in voorbereiding: %(name)s", name=name)
        )
    if event.action in ("default_notice.received", "penalty_decision.taken"):
        return _late_decision(event.action, data)
    if event.action == "notification.queued":
        return _("E-mail verstuurd")
    if event.action.startswith(("objection.", "reclaim.")):
        return _objection(event.action, data)
    return None


def timeline(claim: Claim) -> list[TimelineEntry]:
    """Every meaningful audit event of the claim, oldest first."""
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.claim_id == claim.id).order_by(AuditEvent.id)
    )
    return [TimelineEntry(e.occurred_at, text) for e in events if (text := describe(e))]
