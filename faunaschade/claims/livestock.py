"""Livestock damage by wolf or golden jackal: the keeper's report and the officer's finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade import rules
from faunaschade.audit import chain as audit
from faunaschade.claims import workflow
from faunaschade.claims.receipt import on_received
from faunaschade.clock import local_day, today
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.models import (
    AuditEvent,
    Claim,
    ClaimKind,
    ClaimSpecies,
    ClaimStatus,
    FarmerProfile,
    User,
)
from faunaschade.models.base import utcnow
from faunaschade.models.claims import reference_on_insert
from faunaschade.vocabulary import FINDING_LABELS

#: Statuses in which the officer can still record the field visit and DNA outcome.
FINDING_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.ASSESSMENT_ORDERED, ClaimStatus.ASSESSED)


def report_livestock_damage(profile: FarmerProfile, data: dict[str, Any], actor: User) -> Claim:
    """The keeper's report: stored and submitted at once (no leges); late reports are flagged."""
    discovered_at = data["discovered_at"]
    now = utcnow()
    if discovered_at > now + timedelta(minutes=5):
        raise ValidationFailed(fields={"discovered_at": [_("Dit tijdstip ligt in de toekomst.")]})
    discovered_on = local_day(discovered_at)
    try:
        rule_set = rules.rule_set_for(data["province"], discovered_on)
    except rules.NoRuleSetError:
        raise ValidationFailed(
            fields={
                "discovered_at": [
                    _(
                        "Voor provincie %(province)s is er geen regeling op %(day)s.",
                        province=data["province"],
                        day=f"{discovered_on:%d-%m-%Y}",
                    )
                ]
            }
        ) from None
    deadline = rules.livestock_deadline(discovered_at, rule_set.livestock.report_hours)
    claim = Claim(
        farmer=profile,  # the relationship: its profile stays loaded for the answer
        province=data["province"],
        kind=ClaimKind.LIVESTOCK,
        crop=None,
        discovered_on=discovered_on,
        discovered_at=discovered_at,
        description=data["description"],
        species=[ClaimSpecies(species=code) for code in data["species"]],
        leges=rule_set.livestock.leges,
        submission_deadline=local_day(deadline),
        submitted_at=now,
        backstop_deadline=rules.awb_backstop(today()),
        attachments=[],  # a new report has none: known without asking the database
    )
    reference_on_insert(claim)
    db.session.add(claim)
    db.session.flush()
    late = now > deadline
    audit.record(
        "claim.created",
        claim,
        actor=actor,
        claim_id=claim.id,
        data={"kind": "livestock", "animals": data["animals"], "late": late},
    )
    workflow.transition(
        claim,
        ClaimStatus.SUBMITTED,
        actor,
        reason="Melding schade aan landbouwhuisdieren ontvangen",
        data={"late": late, "deadline": deadline.isoformat()},
    )
    on_received(claim, actor)
    return claim


def is_late_report(claim: Claim) -> bool:
    """The report came more than 24 hours after the discovery."""
    if claim.kind != ClaimKind.LIVESTOCK or claim.discovered_at is None:
        return False
    rule_set = rules.rule_set_for(claim.province, claim.discovered_on)
    deadline = rules.livestock_deadline(claim.discovered_at, rule_set.livestock.report_hours)
    return (claim.submitted_at or utcnow()) > deadline


def record_wolf_finding(
    claim: Claim, officer: User, finding: str, visited_on: date, remarks: str = ""
) -> Claim:
    """The officer records the field visit and the DNA outcome."""
    if claim.kind != ClaimKind.LIVESTOCK:
        raise Conflict(_("Een DNA-uitkomst hoort alleen bij schade aan landbouwhuisdieren."))
    if claim.status not in FINDING_STATUSES:
        raise Conflict(_("In deze fase kan de uitkomst niet meer worden vastgelegd."))
    if visited_on > today() or visited_on < claim.discovered_on:
        raise ValidationFailed(
            fields={"visited_on": [_("Het veldbezoek ligt tussen de ontdekking en vandaag.")]}
        )
    claim.wolf_finding = finding
    audit.record(
        "claim.wolf_finding",
        claim,
        actor=officer,
        claim_id=claim.id,
        reason=remarks or None,
        data={"finding": finding, "visited_on": visited_on.isoformat()},
    )
    db.session.flush()
    return claim


@dataclass(frozen=True)
class ReportFacts:
    """What the keeper reported and what the officer found, as the claim pages show it."""

    discovered_at: datetime | None  #: When the keeper found the animals (UTC).
    reported_at: datetime | None  #: When the report came in (UTC).
    late: bool  #: Reported more than 24 hours after the discovery.
    animals_reported: int | None  #: Dead or injured animals the keeper counted.
    finding: str | None  #: DNA / field-visit outcome code.
    finding_label: str | None  #: Its Dutch name.
    visited_on: date | None  #: Day of the field visit that gave the finding.


def _latest_data(claim: Claim, action: str) -> dict[str, Any]:
    data = db.session.scalar(
        select(AuditEvent.data)
        .where(AuditEvent.claim_id == claim.id, AuditEvent.action == action)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return data or {}


def report_facts(claim: Claim) -> ReportFacts:
    """The report and the finding of a livestock claim. The number of animals and the day of
    the field visit are kept in the audit events that recorded them (the report's and the
    finding's), which are written in the same transaction as the report and the finding."""
    reported = _latest_data(claim, "claim.created").get("animals")
    visited = (
        _latest_data(claim, "claim.wolf_finding").get("visited_on") if claim.wolf_finding else None
    )
    return ReportFacts(
        discovered_at=claim.discovered_at,
        reported_at=claim.submitted_at,
        late=is_late_report(claim),
        animals_reported=reported if isinstance(reported, int) else None,
        finding=claim.wolf_finding,
        finding_label=FINDING_LABELS.get(claim.wolf_finding or ""),
        visited_on=date.fromisoformat(visited) if isinstance(visited, str) else None,
    )
