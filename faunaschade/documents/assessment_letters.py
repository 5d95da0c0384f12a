"""Plain-valued content of the completion request and the assessment confirmation letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.numbers import format_decimal

from faunaschade.clock import local_day
from faunaschade.extensions import db
from faunaschade.i18n import N_
from faunaschade.models import Assessment, Claim, Letter, User
from faunaschade.models.assessments import assessment_of_letter
from faunaschade.models.claims import PREVENTIVE_MEASURES
from faunaschade.models.completion_requests import completion_request as find
from faunaschade.rules import catalogue
from faunaschade.vocabulary import PRICE_SOURCE_LABELS, UNIT_LABELS

#: "per …" after a unit price.
#: "per kg", "per stuk": the unit after a price (Dutch message ids; the letter prints them as
#: they are, the web pages translate them).
PER_UNIT = {
    "kg": N_("kg"),
    "kg_ds": N_("kg droge stof"),
    "pieces": N_("stuk"),
    "animals": N_("dier"),
    "ha": N_("ha"),
}


@dataclass(frozen=True)
class CompletionRequestLetter:
    """Verzoek om aanvulling (Awb 4:5)."""

    received_on: date | None  #: Day the claim was received.
    requested_on: date  #: Day of the request.
    paragraphs: tuple[str, ...]  #: What is missing, in the officer's words (per paragraph).
    deadline: date  #: Last day to complete.
    number: int  #: 1 for the first request on this claim, 2 for a second…


@dataclass(frozen=True)
class ConfirmationLine:
    """One assessed line as printed."""

    parcel: str  #: The farmer's name for the parcel.
    species: str  #: Dutch species name.
    area_type: str  #: Dutch area-type name.
    damaged_area_ha: Decimal  #: Damaged area (ha).
    quantity: str  #: Lost quantity with unit, Dutch notation: "1.250,5 kg".
    unit_price: str  #: "€ 0,1850 per kg".
    price_source: str  #: "KWIN", "contractprijs", "BIJ12-prijs".
    harvested: bool  #: Harvested before the assessment: does not count.
    assessed_damage: Decimal  #: Quantity × price, in cents.


@dataclass(frozen=True)
class AssessmentConfirmation:
    """Bevestiging taxatie: what the assessor found, and the zienswijze window."""

    assessor: str  #: Assessor's name and bureau.
    crop: str  #: Dutch crop name.
    visits: tuple[date, ...]  #: Days of the field visits.
    lines: tuple[ConfirmationLine, ...]  #: Assessed lines.
    total: Decimal  #: Assessed damage of the lines that count.
    harvested_total: Decimal  #: Assessed damage of harvested lines (does not count).
    measures_observed: tuple[str, ...]  #: Dutch names of the preventive measures seen.
    remarks: str  #: The assessor's remarks.
    submitted_on: date  #: Day the report came in.
    zienswijze_deadline: date  #: Last day for a zienswijze.
    decision_target: date | None  #: When the decision is expected.


def _name(table: object, code: str) -> str:
    try:
        return str(table(code).name_nl)  # type: ignore[operator]
    except KeyError:
        return code


def _number(value: Decimal, pattern: str) -> str:
    return format_decimal(value, format=pattern, locale="nl")


def confirmation_lines(assessment: Assessment, claim: Claim) -> tuple[ConfirmationLine, ...]:
    """The assessment's lines in Dutch notation (also used by the web pages)."""
    parcels = {row.parcel_id: row.parcel.name for row in claim.parcels}
    return tuple(
        ConfirmationLine(
            parcel=parcels.get(line.parcel_id, str(line.parcel_id)),
            species=_name(catalogue.species, line.species),
            area_type=catalogue.AREA_TYPES.get(line.area_type.value, line.area_type.value),
            damaged_area_ha=line.damaged_area_ha,
            quantity=f"{_number(line.lost_quantity, '#,##0.###')} {UNIT_LABELS[line.unit]}",
            unit_price=f"€ {_number(line.unit_price, '#,##0.00##')} per {PER_UNIT[line.unit]}",
            price_source=PRICE_SOURCE_LABELS[line.price_source],
            harvested=line.harvested_before_assessment,
            assessed_damage=line.assessed_damage,
        )
        for line in assessment.lines
    )


def completion_request(letter: Letter, claim: Claim) -> CompletionRequestLetter:
    """The request this letter is about (its subject key ends in -request-N)."""
    _, _, tail = letter.subject_key.rpartition("-request-")
    request = find(claim, int(tail)) if tail.isdigit() else find(claim)
    if request is None:
        raise LookupError(f"claim {claim.id} has no completion request for letter {letter.id}")
    received = local_day(claim.submitted_at) if claim.submitted_at else None
    return CompletionRequestLetter(
        received_on=received,
        requested_on=request.requested_on,
        paragraphs=request.paragraphs,
        deadline=request.deadline,
        number=request.number,
    )


def assessment_confirmation(letter: Letter, claim: Claim) -> AssessmentConfirmation:
    """The submitted assessment this letter confirms."""
    assessment = assessment_of_letter(letter.subject_key)
    if assessment is None or assessment.claim_id != claim.id or assessment.submitted_at is None:
        raise LookupError(f"letter {letter.id} has no submitted assessment")
    if claim.zienswijze_deadline is None:
        raise LookupError(f"claim {claim.id} has no zienswijze deadline")
    lines = confirmation_lines(assessment, claim)
    assessor = db.session.get(User, assessment.assessor_id)
    who = assessor.display_name if assessor else "de taxateur"
    if assessor is not None and assessor.bureau:
        who += f" ({assessor.bureau})"
    zero = Decimal("0.00")
    return AssessmentConfirmation(
        assessor=who,
        crop=_name(catalogue.crop, claim.crop) if claim.crop else "",
        visits=tuple(sorted(v.visited_on for v in assessment.visits)),
        lines=lines,
        total=sum((x.assessed_damage for x in lines if not x.harvested), zero),
        harvested_total=sum((x.assessed_damage for x in lines if x.harvested), zero),
        measures_observed=tuple(
            PREVENTIVE_MEASURES.get(code, code) for code in assessment.preventive_measures_observed
        ),
        remarks=assessment.remarks,
        submitted_on=local_day(assessment.submitted_at),
        zienswijze_deadline=claim.zienswijze_deadline,
        decision_target=claim.decision_target,
    )
