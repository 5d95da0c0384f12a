"""What the claim page's assessment, completion and zienswijze sections show, per viewer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from flask import Flask, g
from flask_babel import gettext
from flask_login import current_user

from faunaschade.assessments import zienswijze
from faunaschade.assessments.zienswijze import Window
from faunaschade.claims import completion
from faunaschade.claims import worklist as queue
from faunaschade.claims.worklist import Deadline
from faunaschade.clock import today
from faunaschade.decisions import calculation
from faunaschade.documents.assessment_letters import (
    PER_UNIT,
    ConfirmationLine,
    confirmation_lines,
)
from faunaschade.errors import Conflict
from faunaschade.i18n import N_
from faunaschade.models import (
    AnimalRecord,
    Assessment,
    AssessmentStatus,
    Claim,
    ClaimStatus,
    Role,
)
from faunaschade.models.assessments import current_assessment
from faunaschade.models.completion_requests import CompletionRequest
from faunaschade.rules.catalogue import ANIMAL_KINDS, AREA_TYPES, SPECIES
from faunaschade.vocabulary import (
    ANIMAL_OUTCOME_LABELS,
    PRICE_SOURCE_LABELS,
    SEX_LABELS,
    UNIT_LABELS,
)
from faunaschade.web.vocab import english, name_of, translated

S = ClaimStatus
#: Statuses in which the engine's preview helps the officer (a proposal shows its own).
PREVIEW_STATUSES = (S.SUBMITTED, S.INCOMPLETE, S.ASSESSMENT_ORDERED, S.ASSESSED)


@dataclass(frozen=True)
class Panel:
    """Everything the claim page's own sections need, computed once per request."""

    role: str  #: The viewer's role.
    assessment: Assessment | None  #: Newest assessment (any status).
    lines: tuple[ConfirmationLine, ...]  #: Its lines in Dutch notation (once submitted, or staff).
    animals: tuple[AnimalRecord, ...]  #: Livestock: its animals (once submitted, or staff).
    total: Decimal  #: Assessed damage that counts (lines not harvested; animals, vet capped).
    harvested_total: Decimal  #: Assessed damage of harvested lines.
    due: Deadline | None  #: The report's due date while it runs.
    request: CompletionRequest | None  #: The open completion request.
    completion_lapsed: bool  #: Its term has passed.
    window: Window  #: The zienswijze window.
    preview: dict[str, Any] | None  #: The engine's output (officers and auditors).
    preview_error: str | None  #: Why there is no preview.

    @property
    def officer(self) -> bool:
        """The viewer is an officer (may act)."""
        return self.role == Role.OFFICER.value

    @property
    def staff(self) -> bool:
        """Officer or auditor (may see the preview)."""
        return self.role in (Role.OFFICER.value, Role.AUDITOR.value)


def _preview(claim: Claim) -> tuple[dict[str, Any] | None, str | None]:
    if claim.status not in PREVIEW_STATUSES:
        return None, None
    try:
        return calculation.calculation_preview(claim), None
    except Conflict as exc:
        return None, exc.message


def build_panel(claim: Claim) -> Panel:
    """The panel of this claim for the logged-in user."""
    role = current_user.role.value
    assessment = current_assessment(claim)
    submitted = assessment is not None and assessment.status == AssessmentStatus.SUBMITTED
    staff = role in (Role.OFFICER.value, Role.AUDITOR.value, Role.ASSESSOR.value)
    shown = assessment is not None and (submitted or staff)
    lines = page_lines(assessment, claim) if shown else ()
    animals = assessment.animals if shown else ()
    zero = Decimal("0.00")
    due = None
    if assessment is not None and not submitted and claim.status == S.ASSESSMENT_ORDERED:
        due = queue.make_deadline("assessment", N_("Taxatierapport"), assessment.due_on, today())
    preview, error = (
        _preview(claim) if role in (Role.OFFICER.value, Role.AUDITOR.value) else (None, None)
    )
    return Panel(
        role=role,
        assessment=assessment,
        lines=lines,
        animals=animals,
        total=sum((x.assessed_damage for x in lines if not x.harvested), zero)
        + sum((a.total for a in animals), zero),
        harvested_total=sum((x.assessed_damage for x in lines if x.harvested), zero),
        due=due,
        request=completion.completion_request(claim) if claim.status == S.INCOMPLETE else None,
        completion_lapsed=completion.completion_lapsed(claim),
        window=zienswijze.window(claim),
        preview=preview,
        preview_error=error,
    )


def assessment_panel(claim: Claim) -> Panel:
    """The panel, cached for the request (several partials of one page ask for it)."""
    cache: dict[int, Panel] = g.setdefault("assessment_panels", {})
    if claim.id not in cache:
        cache[claim.id] = build_panel(claim)
    return cache[claim.id]


def page_lines(assessment: Assessment, claim: Claim) -> tuple[ConfirmationLine, ...]:
    """The assessed lines as the confirmation letter prints them, with their words in the page's
    language (the letter stays Dutch; the numbers keep the Dutch notation)."""
    lines = confirmation_lines(assessment, claim)
    if not english():
        return lines
    return tuple(
        replace(
            shown,
            species=name_of(SPECIES[line.species]) if line.species in SPECIES else line.species,
            area_type=gettext(AREA_TYPES.get(line.area_type.value, line.area_type.value)),
            quantity=shown.quantity.removesuffix(UNIT_LABELS[line.unit])
            + gettext(UNIT_LABELS[line.unit]),
            unit_price=shown.unit_price.rsplit(" per ", 1)[0]
            + " "
            + gettext("per %(unit)s", unit=gettext(PER_UNIT[line.unit])),
            price_source=gettext(PRICE_SOURCE_LABELS[line.price_source]),
        )
        for shown, line in zip(lines, assessment.lines, strict=True)
    )


class _AnimalWords:
    """The words for a livestock report's animals, in the page's language."""

    @staticmethod
    def kind(code: str) -> str:
        return name_of(ANIMAL_KINDS[code]) if code in ANIMAL_KINDS else code

    @property
    def sex(self) -> dict[str, str]:
        return translated(SEX_LABELS)

    @property
    def outcome(self) -> dict[str, str]:
        return translated(ANIMAL_OUTCOME_LABELS)


def register(app: Flask) -> None:
    """Make the panel (and the words for a livestock report's animals) available to the claim
    page's partials."""
    app.jinja_env.globals["assessment_panel"] = assessment_panel
    app.jinja_env.globals["animal_words"] = _AnimalWords()
