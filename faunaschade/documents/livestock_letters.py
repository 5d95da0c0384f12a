"""Plain-valued content of the letters on a livestock (wolf, golden jackal) claim: the
assessment confirmation names the animals, not parcels, and the decision says which animals
it covers. The crop letters' contexts stay as they are; these wrap or replace them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from faunaschade.clock import AMSTERDAM, local_day
from faunaschade.documents.assessment_letters import assessment_confirmation
from faunaschade.documents.decision_context import DecisionLetter, decision_letter
from faunaschade.models import AnimalRecord, Assessment, Claim, Letter
from faunaschade.models.assessments import assessment_of_letter, latest_assessment
from faunaschade.money import dutch_date
from faunaschade.rules import catalogue
from faunaschade.rules.prices import PriceError, price_table_for
from faunaschade.vocabulary import ANIMAL_OUTCOME_LABELS, FINDING_LABELS, SEX_LABELS


@dataclass(frozen=True)
class AnimalLine:
    """One killed or injured animal as printed."""

    animal: str  #: The assessor's label, e.g. "ooi-1".
    description: str  #: "schaap, stamboek, vrouwelijk, volwassen, drachtig".
    outcome: str  #: "dood" or "gewond".
    value: Decimal | None  #: Value from the price table (injured: the cap on vet costs).
    vet_costs: Decimal | None  #: Vet costs as recorded.
    capped: bool  #: The vet costs were more than the value and count up to it.
    abortion: Decimal | None  #: Loss by abortion.
    carcass_removal: Decimal | None  #: Carcass removal.
    total: Decimal  #: What the animal counts for.


@dataclass(frozen=True)
class LivestockReport:
    """The report and the assessment a livestock letter refers to."""

    species: str  #: "wolf", "wolf en goudjakhals".
    discovered: str  #: "3 maart 2025 om 06:40" (Dutch time).
    reported: str  #: When the report came in, the same way.
    finding: str  #: "wolf (zeker)", or "nog niet bekend".
    animals: tuple[AnimalLine, ...]  #: The animals assessed.
    total: Decimal  #: Assessed damage of the animals (vet costs capped).
    price_table: str  #: Version of the price table the values come from.
    illustrative: bool  #: The table's amounts are examples.


@dataclass(frozen=True)
class LivestockConfirmation:
    """Bevestiging taxatie of a livestock claim: the animals and the zienswijze window."""

    livestock: LivestockReport  #: The report, the finding and the animals.
    assessor: str  #: Assessor's name and bureau.
    visits: tuple[date, ...]  #: Days of the field visits.
    total: Decimal  #: Assessed damage (the animals' totals).
    remarks: str  #: The assessor's remarks.
    submitted_on: date  #: Day the report came in.
    zienswijze_deadline: date  #: Last day for a zienswijze.
    decision_target: date | None  #: When the decision is expected.


@dataclass(frozen=True)
class LivestockDecisionLetter(DecisionLetter):
    """A decision on a livestock claim: the decision letter plus the animals it covers."""

    #: The report, the finding and the animals (keyword-only: it follows the base's defaults).
    livestock: LivestockReport = field(kw_only=True)


def _moment(value: datetime | None) -> str:
    if value is None:
        return "—"
    local = value.astimezone(AMSTERDAM)
    return f"{dutch_date(local.date())} om {local:%H:%M}"


def _word(code: str) -> str:
    return code.replace("_", " ")


def animal_lines(animals: tuple[AnimalRecord, ...]) -> tuple[AnimalLine, ...]:
    """The animals in Dutch words."""
    lines = []
    for a in animals:
        kind = catalogue.ANIMAL_KINDS.get(a.animal_kind)
        words = [
            kind.name_nl if kind else a.animal_kind,
            _word(a.breed_group),
            SEX_LABELS.get(a.sex, a.sex),
            _word(a.age_class),
        ]
        if a.pregnant:
            words.append("drachtig")
        lines.append(
            AnimalLine(
                animal=a.animal,
                description=", ".join(w for w in words if w),
                outcome=ANIMAL_OUTCOME_LABELS.get(a.outcome, a.outcome),
                value=a.value,
                vet_costs=a.vet_costs,
                capped=a.capped,
                abortion=a.abortion,
                carcass_removal=a.carcass_removal,
                total=a.total,
            )
        )
    return tuple(lines)


def livestock_report(claim: Claim, assessment: Assessment | None) -> LivestockReport:
    """What the keeper reported, what the officer found and the animals as assessed."""
    names = sorted(
        (catalogue.SPECIES[s.species].name_nl if s.species in catalogue.SPECIES else s.species)
        for s in claim.species
    )
    try:
        table = price_table_for(claim.discovered_on)
        version, illustrative = table.version, table.illustrative
    except PriceError:
        version, illustrative = "—", False
    animals = assessment.animals if assessment is not None else ()
    return LivestockReport(
        species=" en ".join(names),
        discovered=_moment(claim.discovered_at),
        reported=_moment(claim.submitted_at),
        finding=FINDING_LABELS.get(claim.wolf_finding or "", "nog niet bekend"),
        animals=animal_lines(animals),
        total=sum((a.total for a in animals), Decimal("0.00")),
        price_table=version,
        illustrative=illustrative,
    )


def livestock_confirmation(letter: Letter, claim: Claim) -> LivestockConfirmation:
    """The submitted livestock assessment this letter confirms."""
    crop_part = assessment_confirmation(letter, claim)  # checks the letter and the assessment
    assessment = assessment_of_letter(letter.subject_key)
    if assessment is None or assessment.submitted_at is None:
        raise LookupError(f"letter {letter.id} has no submitted assessment")
    report = livestock_report(claim, assessment)
    return LivestockConfirmation(
        livestock=report,
        assessor=crop_part.assessor,
        visits=crop_part.visits,
        total=report.total,
        remarks=crop_part.remarks,
        submitted_on=local_day(assessment.submitted_at),
        zienswijze_deadline=crop_part.zienswijze_deadline,
        decision_target=crop_part.decision_target,
    )


def livestock_decision(letter: Letter, claim: Claim) -> LivestockDecisionLetter:
    """The decision letter of a livestock claim, with the animals it covers: those of the
    newest submitted assessment, the one the calculation was made from (none for a rejection
    without assessment)."""
    decision = decision_letter(letter, claim)
    fields = {f.name: getattr(decision, f.name) for f in dataclasses.fields(DecisionLetter)}
    return LivestockDecisionLetter(
        **fields, livestock=livestock_report(claim, latest_assessment(claim))
    )
