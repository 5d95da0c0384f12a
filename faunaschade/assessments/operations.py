"""Assessments (taxaties): order one, record the report, submit it once."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from faunaschade import rules
from faunaschade.accounts.users import user_by_email
from faunaschade.assessments.livestock_items import animal_items
from faunaschade.audit import chain as audit
from faunaschade.claims import workflow
from faunaschade.clock import local_day, today
from faunaschade.errors import Conflict, NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.letters import operations as letters
from faunaschade.models import (
    AreaType,
    Assessment,
    AssessmentLine,
    AssessmentStatus,
    AssessmentVisit,
    Claim,
    ClaimKind,
    ClaimStatus,
    LetterKind,
    Parcel,
    PriceSource,
    Role,
    Unit,
    User,
)
from faunaschade.models.assessments import ASSESSMENT_LIFECYCLE
from faunaschade.models.base import utcnow
from faunaschade.money import cents
from faunaschade.notifications import operations as notifications
from faunaschade.rules.catalogue import AREA_TYPES

#: Working days the bureau has for the report after the order.
DUE_WORKING_DAYS = 10
#: Spoedtaxatie: on site within 24 hours if possible (DOMAIN §3.6), report a working day later.
URGENT_DUE_WORKING_DAYS = 2
#: Above this a line's quantity × price is a typing error, not a field finding.
MAX_LINE_DAMAGE = Decimal("10000000.00")


def due_date(ordered_on: date, urgent: bool) -> date:
    """Day the report is due: 10 working days after the order, 2 for a spoedtaxatie."""
    return rules.add_working_days(
        ordered_on, URGENT_DUE_WORKING_DAYS if urgent else DUE_WORKING_DAYS
    )


def line_damage(lost_quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line's assessed damage: quantity × unit price, rounded half-up to cents."""
    return cents(lost_quantity * unit_price)


def assessors() -> list[User]:
    """Active assessors an officer can choose from, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.ASSESSOR, User.active.is_(True))
            .order_by(User.name, User.email)
        )
    )


def open_workload() -> dict[int, int]:
    """Assessor id → number of assessments assigned and not yet submitted."""
    rows = db.session.execute(
        select(Assessment.assessor_id, func.count())
        .where(Assessment.status != AssessmentStatus.SUBMITTED)
        .group_by(Assessment.assessor_id)
    )
    return {assessor_id: n for assessor_id, n in rows}


def assessments_in_scope(user: User) -> Select[tuple[Assessment]]:
    """Assessments the user may see: an assessor's own, an officer's/auditor's provinces."""
    query = select(Assessment)
    if user.role == Role.ASSESSOR:
        return query.where(Assessment.assessor_id == user.id)
    if user.role in (Role.OFFICER, Role.AUDITOR):
        return query.join(Claim, Claim.id == Assessment.claim_id).where(
            Claim.province.in_(user.provinces)
        )
    return query.where(Assessment.id == -1)


def _assessor_by_email(email: str) -> User:
    user = user_by_email(email)
    if user is None or user.role != Role.ASSESSOR or not user.active:
        raise ValidationFailed(
            fields={"assessor_email": [_("Er is geen actieve taxateur met dit e-mailadres.")]}
        )
    return user


def order_assessment(
    claim: Claim, officer: User, assessor_email: str, urgent: bool = False
) -> Assessment:
    """Order an assessment from an assessor (submitted → assessment_ordered)."""
    assessor = _assessor_by_email(assessor_email)
    if claim.status != ClaimStatus.SUBMITTED:
        raise Conflict(
            _("Een taxatie opdragen kan alleen bij een ingediende, complete aanvraag."),
            code="invalid_transition",
        )
    assessment = Assessment(
        claim_id=claim.id,
        assessor_id=assessor.id,
        ordered_by=officer.id,
        urgent=urgent,
        due_on=due_date(today(), urgent),
        status=AssessmentStatus.ORDERED,
        preventive_measures_observed=[],
        remarks="",
    )
    db.session.add(assessment)
    db.session.flush()
    workflow.transition(
        claim,
        ClaimStatus.ASSESSMENT_ORDERED,
        officer,
        reason="Spoedtaxatie opgedragen" if urgent else None,
        data={
            "assessment_id": assessment.id,
            "assessor_id": assessor.id,
            "urgent": urgent,
            "due_on": assessment.due_on.isoformat(),
        },
    )
    return assessment


def _check_lines(claim: Claim, lines: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Business rules on report lines: field path → messages."""
    errors: dict[str, list[str]] = defaultdict(list)
    on_claim: dict[int, Parcel] = {row.parcel_id: row.parcel for row in claim.parcels}
    species = {row.species for row in claim.species}
    per_parcel_species: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    seen: dict[tuple[int, str, str], int] = {}
    # Parcels whose area types follow from the map: a line may not claim more of an area type
    # than the parcel's overlap with it (claims.areas; the figures kept with the claim).
    overlap = {(a.parcel_id, a.area_type.value): a.area_ha for a in claim.parcel_areas}
    mapped = {a.parcel_id for a in claim.parcel_areas}
    for i, line in enumerate(lines):
        path = f"lines[{i}]"
        parcel = on_claim.get(line["parcel_id"])
        if parcel is None:
            errors[f"{path}.parcel_id"].append(_("Dit perceel staat niet op de aanvraag."))
        elif line["damaged_area_ha"] > parcel.area_ha:
            errors[f"{path}.damaged_area_ha"].append(
                f"Groter dan perceel '{parcel.name}' zelf ({_ha(parcel.area_ha)} ha)."
            )
        else:
            key2 = (parcel.id, line["species"])
            per_parcel_species[key2] += line["damaged_area_ha"]
            if per_parcel_species[key2] > parcel.area_ha:
                errors[f"{path}.damaged_area_ha"].append(
                    f"Samen met de andere regels voor dit perceel en deze diersoort groter dan "
                    f"perceel '{parcel.name}' ({_ha(parcel.area_ha)} ha)."
                )
        if parcel is not None and parcel.id in mapped:
            errors.update(_map_problems(i, line, parcel, overlap, errors))
        if line["species"] not in species:
            errors[f"{path}.species"].append(_("Deze diersoort staat niet op de aanvraag."))
        key = (line["parcel_id"], line["species"], line["area_type"])
        if key in seen:
            errors[f"{path}.parcel_id"].append(
                f"Zelfde perceel, diersoort en gebiedstype als regel {seen[key] + 1}."
            )
        seen.setdefault(key, i)
        if line_damage(line["lost_quantity"], line["unit_price"]) > MAX_LINE_DAMAGE:
            errors[f"{path}.lost_quantity"].append(
                "Hoeveelheid × eenheidsprijs is meer dan € 10.000.000,00; controleer beide."
            )
    return dict(errors)


def _map_problems(
    i: int,
    line: dict[str, Any],
    parcel: Parcel,
    overlap: dict[tuple[int, str], Decimal],
    errors: dict[str, list[str]],
) -> dict[str, list[str]]:
    """A line of a parcel on the map against the parcel's overlap with its area type."""
    path = f"lines[{i}]"
    name = _(AREA_TYPES.get(line["area_type"], line["area_type"]))
    has = overlap.get((parcel.id, line["area_type"]))
    if has is None:
        parts = [
            f"{_(AREA_TYPES.get(t, t))} ({_ha(ha)} ha)"
            for (pid, t), ha in sorted(overlap.items())
            if pid == parcel.id
        ]
        return {
            f"{path}.area_type": [
                *errors.get(f"{path}.area_type", []),
                _(
                    "Regel %(n)s: perceel '%(name)s' ligt volgens de kaart niet in %(type)s, "
                    "maar in %(parts)s.",
                    n=i + 1,
                    name=parcel.name,
                    type=name,
                    parts=", ".join(parts),
                ),
            ]
        }
    if line["damaged_area_ha"] > has:
        return {
            f"{path}.damaged_area_ha": [
                *errors.get(f"{path}.damaged_area_ha", []),
                _(
                    "Regel %(n)s: meer dan perceel '%(name)s' volgens de kaart in %(type)s heeft "
                    "(%(ha)s ha).",
                    n=i + 1,
                    name=parcel.name,
                    type=name,
                    ha=_ha(has),
                ),
            ]
        }
    return {}


def _ha(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _check_visits(claim: Claim, visits: list[dict[str, Any]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for i, visit in enumerate(visits):
        if visit["date"] > today():
            errors[f"visits[{i}].date"] = [_("Deze datum ligt in de toekomst.")]
        elif visit["date"] < claim.discovered_on:
            errors[f"visits[{i}].date"] = [
                _(
                    "Vóór de ontdekking van de schade (%(day)s).",
                    day=f"{claim.discovered_on:%d-%m-%Y}",
                )
            ]
    return errors


def _editable(assessment: Assessment, assessor: User) -> None:
    if assessment.assessor_id != assessor.id:
        raise NotFound(_("Taxatie niet gevonden."))
    if assessment.status == AssessmentStatus.SUBMITTED:
        raise Conflict(
            _(
                "Dit rapport is al ingediend op %(day)s en kan niet meer worden gewijzigd.",
                day=f"{local_day(assessment.submitted_at):%d-%m-%Y}",
            ),
            code="already_submitted",
        )
    if assessment.claim.status != ClaimStatus.ASSESSMENT_ORDERED:
        raise Conflict(
            _(
                "De aanvraag wacht niet meer op deze taxatie (bijvoorbeeld omdat de aanvrager "
                "haar heeft ingetrokken)."
            ),
            code="assessment_not_expected",
        )


def save_report(assessment: Assessment, data: dict[str, Any], assessor: User) -> Assessment:
    """Save the report as it stands (visits and lines replaced); can be repeated until submit."""
    _editable(assessment, assessor)
    claim = assessment.claim
    errors = {**_check_visits(claim, data["visits"]), **_check_lines(claim, data["lines"])}
    items, animal_errors = animal_items(claim, data.get("animals") or [])
    errors.update(animal_errors)
    if claim.kind == ClaimKind.LIVESTOCK and data["lines"]:
        errors["lines"] = [_("Een melding van schade aan dieren heeft dieren, geen gewasregels.")]
    if claim.kind == ClaimKind.CROP and data.get("animals"):
        errors["animals"] = [_("Dieren horen alleen bij schade aan landbouwhuisdieren.")]
    if errors:
        raise ValidationFailed(fields=errors)
    assessment.livestock_items = items
    assessment.visits = [
        AssessmentVisit(visited_on=v["date"], remarks=v.get("remarks") or "")
        for v in data["visits"]
    ]
    assessment.lines = [
        AssessmentLine(
            parcel_id=line["parcel_id"],
            species=line["species"],
            area_type=AreaType(line["area_type"]),
            damaged_area_ha=line["damaged_area_ha"],
            lost_quantity=line["lost_quantity"],
            unit=Unit(line["unit"]),
            unit_price=line["unit_price"],
            price_source=PriceSource(line["price_source"]),
            harvested_before_assessment=line.get("harvested_before_assessment", False),
            assessed_damage=line_damage(line["lost_quantity"], line["unit_price"]),
        )
        for line in data["lines"]
    ]
    assessment.preventive_measures_observed = sorted(set(data["preventive_measures_observed"]))
    assessment.remarks = data.get("remarks") or ""
    ASSESSMENT_LIFECYCLE.transition(assessment, AssessmentStatus.IN_PROGRESS)
    db.session.flush()
    audit.record(
        "assessment.saved",
        assessment,
        actor=assessor,
        claim_id=claim.id,
        data={
            "visits": len(assessment.visits),
            "lines": len(assessment.lines),
            "total": str(assessment.counted_total),
        },
    )
    return assessment


def submit_report(assessment: Assessment, assessor: User) -> Assessment:
    """Submit the saved report once: the claim is assessed and the zienswijze window opens."""
    _editable(assessment, assessor)
    missing = {}
    if not assessment.visits:
        missing["visits"] = [_("Leg ten minste één bezoek vast.")]
    if assessment.claim.kind == ClaimKind.LIVESTOCK:
        if not assessment.livestock_items:
            missing["animals"] = [_("Leg ten minste één dood of gewond dier vast.")]
    elif not assessment.lines:
        missing["lines"] = [_("Leg ten minste één taxatieregel vast.")]
    if missing:
        raise ValidationFailed(_("Het rapport is nog niet compleet."), fields=missing)
    claim = assessment.claim
    day = today()
    ASSESSMENT_LIFECYCLE.transition(assessment, AssessmentStatus.SUBMITTED)
    assessment.submitted_at = utcnow()
    # The confirmation goes out today, so the 8 working days run from today (SPEC §2).
    claim.zienswijze_deadline = rules.zienswijze_deadline(day)
    claim.decision_target = rules.decision_target(day)
    db.session.flush()
    audit.record(
        "assessment.submitted",
        assessment,
        actor=assessor,
        claim_id=claim.id,
        data={"lines": len(assessment.lines), "total": str(assessment.counted_total)},
    )
    workflow.transition(
        claim,
        ClaimStatus.ASSESSED,
        assessor,
        data={
            "assessment_id": assessment.id,
            "zienswijze_deadline": claim.zienswijze_deadline.isoformat(),
            "decision_target": claim.decision_target.isoformat(),
        },
    )
    letters.request_letter(
        claim,
        LetterKind.ASSESSMENT_CONFIRMATION,
        actor=assessor,
        subject=f"assessment-{assessment.id}",
    )
    notifications.notify(
        notifications.NotificationKind.ASSESSMENT_CONFIRMATION, claim, actor=assessor
    )
    return assessment
