"""An autotax run: after the season an officer turns a province's registered parcels into claims.

For every parcel registered for the province and damage year, its outline is laid over the
province's map layers in force on the reference day (gis.classify); a parcel with hectares in
the kinds of area autotax covers there becomes a claim without leges (`claims.autotax`), with an
automatic assessment: per kind of area a line of those hectares at the table's euros per hectare
for the parcel's crop and the period of the reference day. The run then draws the review sample
(autotax/sample.py) and orders a field assessment for each sampled claim from the assessor; the
others are assessed at once. A province and damage year is run once (a second run is refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, false, select

from faunaschade import rules
from faunaschade.assessments.operations import order_assessment
from faunaschade.audit import chain as audit
from faunaschade.autotax.sample import draw_sample, new_seed
from faunaschade.claims import workflow
from faunaschade.clock import today
from faunaschade.errors import Conflict, Forbidden, NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.gis.classify import classify
from faunaschade.gis.geometry import from_geojson
from faunaschade.i18n import language
from faunaschade.models import (
    AreaType,
    Assessment,
    AssessmentLine,
    AssessmentStatus,
    AutotaxRegistration,
    AutotaxRun,
    AutotaxRunClaim,
    Claim,
    ClaimKind,
    ClaimParcel,
    ClaimSpecies,
    ClaimStatus,
    PriceSource,
    Role,
    Unit,
    User,
)
from faunaschade.models.assessments import ASSESSMENT_LIFECYCLE
from faunaschade.models.base import utcnow
from faunaschade.models.claims import reference_on_insert
from faunaschade.money import cents, written_date
from faunaschade.provinces import PROVINCES
from faunaschade.rules import autotax as tables

#: Defaults of `flask autotax run` and the officer's page.
DEFAULT_SAMPLE_PCT = Decimal("10")
DEFAULT_REVIEW_ABOVE = Decimal("5000.00")


@dataclass(frozen=True)
class RunParameters:
    """What the officer chose."""

    province: str
    damage_year: int
    seed: int | None = None
    sample_pct: Decimal = DEFAULT_SAMPLE_PCT
    review_above: Decimal = DEFAULT_REVIEW_ABOVE
    assessor_email: str | None = None


def runs_in_scope(user: User) -> Select[tuple[AutotaxRun]]:
    """Runs of the provinces an officer or auditor works for."""
    query = select(AutotaxRun)
    if user.role in (Role.OFFICER, Role.AUDITOR):
        return query.where(AutotaxRun.province.in_(user.provinces))
    return query.where(false())


def get_run_in_scope_or_404(run_id: int, user: User) -> AutotaxRun:
    """The run if the user may see it; 404 otherwise."""
    run = db.session.scalar(runs_in_scope(user).where(AutotaxRun.id == run_id))
    if run is None:
        raise NotFound(_("Autotaxronde niet gevonden."))
    return run


def check_officer(officer: User, province: str) -> None:
    """Only an officer of the province."""
    if officer.role != Role.OFFICER:
        raise Forbidden(_("Alleen een behandelaar kan dit doen."))
    if province not in officer.provinces:
        raise NotFound(_("Autotaxronde niet gevonden."))


def _terms(params: RunParameters) -> tables.ProvinceTerms:
    terms = tables.terms_for(params.province, params.damage_year)
    if terms is None:
        raise ValidationFailed(
            fields={
                "province": [
                    _(
                        "%(province)s doet in schadejaar %(year)s niet mee aan autotax.",
                        province=PROVINCES.get(params.province, params.province),
                        year=params.damage_year,
                    )
                ]
            }
        )
    deadline = terms.deadline(params.damage_year)
    if today() <= deadline:
        raise ValidationFailed(
            fields={
                "damage_year": [
                    _(
                        "De aanmelding voor schadejaar %(year)s loopt nog tot en met %(day)s; "
                        "autotax draait daarna.",
                        year=params.damage_year,
                        day=written_date(deadline, language()),
                    )
                ]
            }
        )
    return terms


def _refuse_second_run(params: RunParameters) -> None:
    earlier = db.session.scalar(
        select(AutotaxRun).where(
            AutotaxRun.province == params.province, AutotaxRun.damage_year == params.damage_year
        )
    )
    if earlier is not None:
        raise Conflict(
            _(
                "Autotax voor %(province)s, schadejaar %(year)s is al uitgevoerd (ronde "
                "%(id)s); een tweede ronde zou aanvragen dubbel maken.",
                province=PROVINCES[params.province],
                year=params.damage_year,
                id=earlier.id,
            ),
            code="already_run",
        )


def start_run(params: RunParameters, officer: User) -> AutotaxRun:
    """Run autotax for a province and damage year; the run, its claims and sample recorded."""
    check_officer(officer, params.province)
    terms = _terms(params)
    _refuse_second_run(params)
    table = tables.table_for(params.damage_year)
    reference = terms.reference_on(params.damage_year)
    period = table.period_on(reference)
    registrations = list(
        db.session.scalars(
            select(AutotaxRegistration)
            .where(
                AutotaxRegistration.province == params.province,
                AutotaxRegistration.damage_year == params.damage_year,
            )
            .order_by(AutotaxRegistration.id)
        )
    )
    seed = params.seed if params.seed is not None else new_seed()
    run = AutotaxRun(
        province=params.province,
        damage_year=params.damage_year,
        reference_day=reference,
        table_version=table.version,
        seed=seed,
        sample_pct=params.sample_pct,
        review_above=params.review_above,
        started_by=officer.id,
        registrations=len(registrations),
    )
    db.session.add(run)
    db.session.flush()  # the unique (province, damage_year) stops a simultaneous second run
    skipped: dict[str, list[int]] = {"outside": [], "no_rate": []}
    made: list[AutotaxRunClaim] = []
    for registration in registrations:
        parts = _covered_parts(registration, terms, reference)
        if not parts:
            skipped["outside"].append(registration.parcel_id)
            continue
        rate = table.rate(params.province, registration.parcel.crop, period.code)
        if rate is None:
            skipped["no_rate"].append(registration.parcel_id)
            continue
        made.append(_claim(run, registration, parts, rate, terms, table, period, officer))
    sample = draw_sample(
        {row.claim_id: row.amount for row in made}, seed, params.sample_pct, params.review_above
    )
    if sample and not params.assessor_email:
        raise ValidationFailed(
            fields={
                "assessor_email": [
                    _(
                        "Kies de taxateur die de %(n)s aanvragen van de steekproef controleert.",
                        n=len(sample),
                    )
                ]
            }
        )
    for row in made:
        reason = sample.get(row.claim_id)
        row.sampled, row.sample_reason = reason is not None, reason
        if reason is not None:
            field = order_assessment(row.claim, officer, params.assessor_email or "")
            run.assessor_id = field.assessor_id
        else:
            _assessed_automatically(row.claim, officer)
    db.session.flush()
    audit.record(
        "autotax.run",
        run,
        actor=officer,
        data={
            "province": run.province,
            "damage_year": run.damage_year,
            "reference_day": reference.isoformat(),
            "table": table.version,
            "illustrative": table.illustrative,
            "seed": seed,
            "sample_pct": params.sample_pct,
            "review_above": params.review_above,
            "registrations": len(registrations),
            "claims": [row.claim_id for row in made],
            "sample": {str(k): v for k, v in sample.items()},
            "outside_area": skipped["outside"],
            "no_rate": skipped["no_rate"],
        },
    )
    return run


def _covered_parts(
    registration: AutotaxRegistration, terms: tables.ProvinceTerms, reference: Any
) -> list[tuple[AreaType, Decimal]]:
    """(area type, hectares) of the parcel in the kinds of area autotax covers, on the day."""
    parcel = registration.parcel
    if parcel.geometry is None:
        return []
    shape = from_geojson(parcel.geometry, label=parcel.name)
    found = classify(shape, registration.province, reference)
    return [
        (part.area_type, part.area_ha)
        for part in found.parts
        if part.area_type.value in terms.area_types and part.area_ha > 0
    ]


def _claim(
    run: AutotaxRun,
    registration: AutotaxRegistration,
    parts: list[tuple[AreaType, Decimal]],
    rate: Decimal,
    terms: tables.ProvinceTerms,
    table: tables.AutotaxTable,
    period: tables.Period,
    officer: User,
) -> AutotaxRunClaim:
    """One claim with its automatic assessment (submitted), recorded as the run's."""
    parcel = registration.parcel
    claim = Claim(
        farmer_id=registration.farmer_id,
        province=run.province,
        kind=ClaimKind.CROP,
        autotax=True,
        crop=parcel.crop,
        discovered_on=run.reference_day,
        preventive_measures=[],
        description="",
        leges=Decimal("0.00"),
        attachments=[],
        species=[ClaimSpecies(species=terms.species)],
        parcels=[
            ClaimParcel(parcel_id=parcel.id, parcel=parcel, damaged_area_ha=ha, area_type=kind)
            for kind, ha in parts
        ],
    )
    claim.submission_deadline = rules.submission_deadline(claim.discovered_on)
    reference_on_insert(claim)
    db.session.add(claim)
    db.session.flush()
    audit.record(
        "claim.created",
        claim,
        actor=officer,
        claim_id=claim.id,
        to_status=claim.status.value,
        data={"autotax_run": run.id, "registration_id": registration.id},
    )
    claim.submitted_at = utcnow()
    claim.backstop_deadline = rules.awb_backstop(today())
    workflow.transition(
        claim,
        ClaimStatus.SUBMITTED,
        officer,
        reason="Autotax: aangemelde percelen, zonder aanvraag en zonder leges",
        data={"autotax_run": run.id},
    )
    lines = [
        AssessmentLine(
            parcel_id=parcel.id,
            species=terms.species,
            area_type=kind,
            damaged_area_ha=ha,
            lost_quantity=ha,
            unit=Unit.HA,
            unit_price=rate,
            price_source=PriceSource.BIJ12,
            harvested_before_assessment=False,
            assessed_damage=cents(ha * rate),
        )
        for kind, ha in parts
    ]
    illustrative = " (illustratief)" if table.illustrative else ""
    assessment = Assessment(
        claim_id=claim.id,
        assessor_id=officer.id,
        ordered_by=officer.id,
        urgent=False,
        due_on=today(),
        status=AssessmentStatus.ORDERED,
        automatic=True,
        preventive_measures_observed=[],
        remarks=(
            f"Automatische taxatie (autotax) volgens {table.version}{illustrative}, "
            f"{period.name}: € {rate} per ha."
        ),
        lines=lines,
        visits=[],
    )
    db.session.add(assessment)
    ASSESSMENT_LIFECYCLE.transition(assessment, AssessmentStatus.SUBMITTED)
    assessment.submitted_at = utcnow()
    db.session.flush()
    amount = assessment.counted_total
    audit.record(
        "assessment.automatic",
        assessment,
        actor=officer,
        claim_id=claim.id,
        data={"autotax_run": run.id, "table": table.version, "total": str(amount)},
    )
    row = AutotaxRunClaim(
        run_id=run.id,
        claim_id=claim.id,
        parcel_id=parcel.id,
        overlap_ha=sum((ha for _kind, ha in parts), Decimal("0")),
        eur_per_ha=rate,
        amount=amount,
        sampled=False,
    )
    row.claim = claim
    db.session.add(row)
    db.session.flush()
    return row


def _assessed_automatically(claim: Claim, officer: User) -> None:
    """A claim outside the sample: its automatic assessment is the one the decision uses."""
    workflow.transition(
        claim,
        ClaimStatus.ASSESSMENT_ORDERED,
        officer,
        reason="Automatische taxatie (autotax), niet in de steekproef",
    )
    claim.decision_target = rules.decision_target(today())
    workflow.transition(
        claim,
        ClaimStatus.ASSESSED,
        officer,
        reason="Automatisch getaxeerd volgens de autotaxtabel",
    )


def redraw(run: AutotaxRun, seed: int | None = None) -> dict[int, str]:
    """The sample drawn again from the run's claims and parameters, with its own seed or
    another: the recorded sample is reproducible."""
    amounts = {row.claim_id: row.amount for row in run.claims}
    return draw_sample(
        amounts, run.seed if seed is None else seed, run.sample_pct, run.review_above
    )


def recorded_sample(run: AutotaxRun) -> dict[int, str]:
    """The sample as the run recorded it."""
    return {row.claim_id: row.sample_reason for row in run.claims if row.sampled}
