"""Fixed, in-memory letter contexts: one per letter kind, no database.

The worker renders one of these before it forks (so every work-horse starts with WeasyPrint,
cffi, fontconfig and Pango initialised) and the tests compare their rasters with committed
references (so a speed change cannot silently change how a letter looks).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import has_app_context

from faunaschade.documents.assessment_letters import (
    AssessmentConfirmation,
    CompletionRequestLetter,
    ConfirmationLine,
)
from faunaschade.documents.context import (
    KIND_TITLES,
    Addressee,
    Common,
    ParcelLine,
    Receipt,
    kenmerk,
    template_for,
)
from faunaschade.documents.decision_context import LEGAL_BASIS, DecisionLetter, StepLine
from faunaschade.documents.delay_context import DelayNotice
from faunaschade.documents.letterhead import province_letters
from faunaschade.documents.objection_context import ObjectionLetter
from faunaschade.documents.penalty_context import PenaltyLetter, PenaltyRow
from faunaschade.documents.render import render_letter
from faunaschade.documents.signing import current_signer, sign_pdf
from faunaschade.models import LetterKind

_REFERENCE = "FS-2025-000123"
_ADDRESSEE = Addressee(
    name="Maatschap De Wâldpleats",
    address="Haadwei 12",
    postcode="9251 AB",
    city="Burgum",
    kvk="01234567",
)


def _common(kind: LetterKind, letter_kenmerk: str | None = None) -> Common:
    settings = province_letters("FR", {}, {})  # the illustrative settings of Fryslân
    return Common(
        kind=kind.value,
        title=KIND_TITLES[kind],
        province_code="FR",
        province_name="Fryslân",
        on_behalf="namens Gedeputeerde Staten van Fryslân",
        sender=settings.sender,
        signatory=settings.signatory,
        objection_address=settings.objection_address,
        addressee=_ADDRESSEE,
        reference=_REFERENCE,
        kenmerk=letter_kenmerk or kenmerk(_REFERENCE, kind, 1),
        dagtekening=date(2025, 6, 16),
        version=1,
    )


def _decision(on_objection: bool) -> DecisionLetter:
    steps = (
        StepLine(
            "assessed", "Getaxeerde schade (grauwe gans, blijvend grasland)", Decimal("4812.40")
        ),
        StepLine("harvested", "Schade na oogst telt niet mee", Decimal("0.00")),
        StepLine("measures", "Voldoende preventieve maatregelen genomen", None),
        StepLine("own_risk", "Eigen risico: 20% van de getaxeerde schade", Decimal("-962.48")),
        StepLine("threshold", "Drempel van € 300,00 overschreden", None),
        StepLine("reduction", "Korting door de behandelaar (5,00%)", Decimal("-192.50")),
        StepLine("payout", "Tegemoetkoming", Decimal("3657.42")),
    )
    return DecisionLetter(
        kenmerk="FS-2025-000123-B1",
        damaged="gewas",
        decided_on=date(2025, 6, 16),
        outcome="partially_granted",
        outcome_text="Wij kennen u gedeeltelijk een tegemoetkoming toe.",
        granted=True,
        steps=steps,
        reasons=("Een deel van de schade is ontstaan na de oogst.",),
        motivation="De taxateur zag op twee percelen onvoldoende geluidsafschrikking.",
        reduction_pct=Decimal("5.00"),
        assessed_damage=Decimal("4812.40"),
        own_risk=Decimal("962.48"),
        payout=Decimal("3657.42"),
        leges=Decimal("300.00"),
        leges_refund=Decimal("300.00"),
        masked_iban="NL91 **** **** **43 00",
        legal_basis=LEGAL_BASIS,
        beleidsregel="Beleidsregel tegemoetkoming faunaschade Fryslân 2024",
        beleidsregel_reference="Provinciaal Blad 2024, 1234",
        beleidsregel_version_date=date(2024, 1, 1),
        rule_set_version="FR-2024-01-01.1",
        objection_deadline=date(2025, 7, 28),
        on_objection=on_objection,
        objected_on=date(2025, 5, 2) if on_objection else None,
        previous_kenmerk="FS-2025-000123-B1" if on_objection else None,
        **(
            {
                "objection_outcome": "deels_gegrond",
                "objection_period_end": date(2025, 5, 12),
                "heard_on": date(2025, 5, 27),
                "paid_before": Decimal("3157.42"),
                "leges_refunded_before": Decimal("300.00"),
            }
            if on_objection
            else {}
        ),
    )


def _objection_letter(**changes: Any) -> ObjectionLetter:
    base = ObjectionLetter(
        received_on=date(2025, 5, 2),
        decision_kenmerk="FS-2025-000123-B1",
        decision_date=date(2025, 3, 31),
        period_end=date(2025, 5, 12),
        late=False,
        decide_by=date(2025, 6, 23),
        extended_until=None,
        extension_reason=None,
        hearing_at=None,
        hearing_place=None,
        hearing_video_link=None,
    )
    return dataclasses.replace(base, **changes)


def _receipt() -> Receipt:
    return Receipt(
        received_on=date(2025, 2, 5),
        discovered_on=date(2025, 2, 3),
        livestock=False,
        crop="blijvend grasland",
        species=("brandgans", "grauwe gans"),
        parcels=(
            ParcelLine("Achter de pleats", "regulier gebied", Decimal("2.5")),
            ParcelLine("Lange Miede", "foerageergebied", Decimal("1.25")),
        ),
        submission_deadline=date(2025, 2, 12),
        leges=Decimal("300.00"),
        leges_outstanding=True,
        backstop_deadline=date(2025, 4, 2),
    )


def _assessment_confirmation() -> AssessmentConfirmation:
    lines = (
        ConfirmationLine(
            parcel="Achter de pleats",
            species="grauwe gans",
            area_type="regulier gebied",
            damaged_area_ha=Decimal("2.5"),
            quantity="12.500 kg droge stof",
            unit_price="€ 0,2850 per kg droge stof",
            price_source="KWIN",
            harvested=False,
            assessed_damage=Decimal("3562.50"),
        ),
        ConfirmationLine(
            parcel="Lange Miede",
            species="brandgans",
            area_type="foerageergebied",
            damaged_area_ha=Decimal("1.25"),
            quantity="4.385,5 kg droge stof",
            unit_price="€ 0,2850 per kg droge stof",
            price_source="KWIN",
            harvested=True,
            assessed_damage=Decimal("1249.87"),
        ),
    )
    return AssessmentConfirmation(
        assessor="J. de Vries (Taxatiebureau Noord)",
        crop="blijvend grasland",
        visits=(date(2025, 3, 3), date(2025, 3, 17)),
        lines=lines,
        total=Decimal("3562.50"),
        harvested_total=Decimal("1249.87"),
        measures_observed=("akoestische middelen", "visuele middelen"),
        remarks="Schade vooral langs de sloten aan de noordkant.",
        submitted_on=date(2025, 3, 18),
        zienswijze_deadline=date(2025, 3, 28),
        decision_target=date(2025, 5, 27),
    )


def _penalty() -> PenaltyLetter:
    rows = (
        PenaltyRow(14, Decimal("23.00"), Decimal("322.00"), "Awb art. 4:17 lid 2"),
        PenaltyRow(6, Decimal("35.00"), Decimal("210.00"), "Awb art. 4:17 lid 2"),
    )
    return PenaltyLetter(
        kenmerk="FS-2025-000123-D1",
        decision_kenmerk="FS-2025-000123-B1",
        decision_date=date(2025, 6, 16),
        received_on=date(2025, 5, 12),
        term_ends_on=date(2025, 5, 2),
        first_day=date(2025, 5, 27),
        last_day=date(2025, 6, 15),
        days=20,
        amount=Decimal("532.00"),
        maximum_reached=False,
        rows=rows,
        masked_iban="NL91 **** **** **43 00",
        objection_deadline=date(2025, 7, 28),
        source="Awb art. 4:17 lid 1-3",
    )


def sample_letters() -> dict[LetterKind, tuple[str, dict[str, Any]]]:
    """Every letter kind's template and a fixed context for it."""
    contexts: dict[LetterKind, Any] = {
        LetterKind.RECEIPT: _receipt(),
        LetterKind.COMPLETION_REQUEST: CompletionRequestLetter(
            received_on=date(2025, 2, 5),
            requested_on=date(2025, 2, 10),
            paragraphs=(
                "Wij missen foto's van de schade op het perceel Lange Miede.",
                "Wilt u ook aangeven welke preventieve middelen u hebt ingezet?",
            ),
            deadline=date(2025, 2, 24),
            number=1,
        ),
        LetterKind.ASSESSMENT_CONFIRMATION: _assessment_confirmation(),
        LetterKind.DELAY_NOTICE: DelayNotice(
            submitted_on=date(2025, 2, 5),
            backstop=date(2025, 4, 2),
            expected_on=date(2025, 5, 14),
        ),
        LetterKind.DECISION: _decision(on_objection=False),
        LetterKind.OBJECTION_DECISION: _decision(on_objection=True),
        LetterKind.PENALTY_DECISION: _penalty(),
        LetterKind.OBJECTION_RECEIPT: _objection_letter(),
        LetterKind.HEARING_INVITATION: _objection_letter(
            hearing_at=datetime(2025, 5, 27, 8, 0, tzinfo=UTC),
            hearing_place="Provinsjehûs, Tweebaksmarkt 52, Ljouwert",
            hearing_video_link="https://video.example.nl/hoorzitting/123",
        ),
        LetterKind.OBJECTION_EXTENSION: _objection_letter(
            extended_until=date(2025, 8, 4),
            extension_reason="Wij vragen een tweede taxateur om advies over de opbrengstderving.",
        ),
    }
    kenmerken = {
        LetterKind.DECISION: "FS-2025-000123-B1",
        LetterKind.OBJECTION_DECISION: "FS-2025-000123-B2",
    }
    return {
        kind: (
            template_for(kind),
            {"letter": _common(kind, kenmerken.get(kind)), "details": details},
        )
        for kind, details in contexts.items()
    }


def warm_up() -> None:
    """Render every kind of letter once from these samples, to nowhere.

    `flask worker` calls this before it forks a work-horse per job: the libraries' types,
    fontconfig and the font map, the compiled templates and the decoded assets are then the
    parent's, shared with every child, instead of being set up again in each one."""
    rendered = None
    for template, context in sample_letters().values():
        rendered = render_letter(template, context)
    if rendered is not None and has_app_context():  # the key, the stamp's font and pyHanko
        sign_pdf(rendered.pdf, current_signer(), rendered.signature_box, reason="-", location="-")
