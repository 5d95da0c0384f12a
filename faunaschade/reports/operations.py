"""Use cases of a melding (free damage report, DOMAIN §3.3): report, list, turn into a claim.

A melding records crop damage without applying: no leges, no assessment, no payment. It takes
a claim's rules for its parcels, province, crop and date (claims.operations.checked), so that it
can always become a claim; the claim made from it keeps its discovery day, so the 7-working-day
submission deadline still runs from the discovery.

The farmer whose damage it is and the user who acts are separate arguments: today they are the
same person, a representative (machtiging) may later act for a farmer.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from faunaschade import rules
from faunaschade.audit import chain as audit
from faunaschade.claims import operations as claims
from faunaschade.clock import today
from faunaschade.errors import Conflict, NotFound
from faunaschade.extensions import db
from faunaschade.models import (
    AreaType,
    Claim,
    DamageReport,
    DamageReportParcel,
    DamageReportSpecies,
    FarmerProfile,
    User,
)
from faunaschade.models.base import locked
from faunaschade.models.reports import reference_on_insert


def create_report(profile: FarmerProfile, data: dict[str, Any], actor: User) -> DamageReport:
    """Record a melding of `profile`'s damage, reported by `actor`; province and crop come
    from the parcels as on a claim (given, they may not contradict them)."""
    parcels, data = claims.checked(profile, data)
    report = DamageReport(
        farmer_id=profile.id,
        reported_by=actor.id,
        province=data["province"],
        crop=data["crop"],
        discovered_on=data["discovered_on"],
        estimated_damage=data.get("estimated_damage"),
        note=data.get("note") or "",
        species=[DamageReportSpecies(species=code) for code in data["species"]],
        parcels=[
            DamageReportParcel(
                parcel_id=line["parcel_id"],
                parcel=parcels[line["parcel_id"]],
                damaged_area_ha=line["damaged_area_ha"],
                area_type=AreaType(line["area_type"]),
            )
            for line in data["parcels"]
        ],
    )
    reference_on_insert(report)
    db.session.add(report)
    db.session.flush()
    audit.record(
        "report.created",
        report,
        actor=actor,
        data={
            "farmer_id": profile.id,
            # A representative reporting for the farmer, as audit.record notes on a claim.
            **({"on_behalf_of": profile.id} if profile.user_id != actor.id else {}),
            "province": report.province,
            "discovered_on": report.discovered_on,
            "estimated_damage": report.estimated_damage,
        },
    )
    return report


def convert_report(report: DamageReport, actor: User) -> Claim:
    """A draft claim made from the melding: its parcels, species, crop, province, note and
    discovery day, so the claim's submission deadline (and its late warning) runs from the
    melding's discovery. Once per melding: a second time is a Conflict naming the claim."""
    current = locked(DamageReport, report.id)  # two clicks at once: one claim
    if current is None:
        raise NotFound(_("Melding niet gevonden."))
    if current.converted_claim_id is not None:
        claim = db.session.get(Claim, current.converted_claim_id)
        raise Conflict(
            _(
                "Voor melding %(report)s is al aanvraag %(claim)s gemaakt.",
                report=current.reference,
                claim=claim.reference if claim else current.converted_claim_id,
            ),
            code="already_converted",
        )
    profile = db.session.get(FarmerProfile, current.farmer_id)
    claim = claims.create_claim(profile, claim_body(current), actor)
    current.converted_claim_id = claim.id
    db.session.flush()
    audit.record(
        "report.converted",
        current,
        actor=actor,
        claim_id=claim.id,
        data={
            "discovered_on": current.discovered_on,
            "submission_deadline": claim.submission_deadline,
            "late": claims.is_late(claim),
        },
    )
    return claim


def claim_body(report: DamageReport) -> dict[str, Any]:
    """The melding as a claim body (what the draft claim is filled with)."""
    return {
        "province": report.province,
        "crop": report.crop,
        "discovered_on": report.discovered_on,
        "species": sorted(item.species for item in report.species),
        "parcels": [
            {
                "parcel_id": row.parcel_id,
                "damaged_area_ha": row.damaged_area_ha,
                "area_type": row.area_type.value,
            }
            for row in report.parcels
        ],
        "preventive_measures": [],
        "description": report.note,
    }


@dataclass(frozen=True)
class ReportFacts:
    """A melding with what follows from it, worked out once for the schema and the pages: the
    last day a claim for this damage is in time (7 working days after the discovery) and
    whether that day has passed. Other attributes are the melding's own."""

    report: DamageReport
    claim_deadline: date
    late: bool

    def __getattr__(self, name: str) -> Any:
        if name == "report":  # asked before it is set (copy, pickle): no endless recursion
            raise AttributeError(name)
        return getattr(self.report, name)


def with_facts(report: DamageReport) -> ReportFacts:
    """The melding and its facts, as GET /api/v1/reports/{id} answers it."""
    deadline = rules.submission_deadline(report.discovered_on)
    return ReportFacts(report, deadline, today() > deadline)


@dataclass(frozen=True)
class ReportFilters:
    """What a list of meldingen is narrowed to; None means everything."""

    province: str | None = None
    species: str | None = None
    #: "YYYY-MM": the month of discovery.
    month: str | None = None


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of a "YYYY-MM" month."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def filtered(query: Select[tuple[DamageReport]], filters: ReportFilters) -> Select:
    """The scoped meldingen narrowed by the filters."""
    if filters.province:
        query = query.where(DamageReport.province == filters.province)
    if filters.species:
        named = select(DamageReportSpecies.report_id).where(
            DamageReportSpecies.species == filters.species
        )
        query = query.where(DamageReport.id.in_(named))
    if filters.month:
        query = query.where(DamageReport.discovered_on.between(*month_bounds(filters.month)))
    return query


def report_of_claim(claim: Claim) -> DamageReport | None:
    """The melding a claim was made from, if any."""
    return db.session.scalar(
        select(DamageReport).where(DamageReport.converted_claim_id == claim.id)
    )
