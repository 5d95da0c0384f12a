"""From a claim and its assessment to the rules engine's case, and the calculation itself."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from faunaschade import rules
from faunaschade.clock import damage_year, damage_year_bounds, local_day
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.models import (
    Assessment,
    Claim,
    ClaimKind,
    ClaimStatus,
    Decision,
)
from faunaschade.models.assessments import latest_assessment


def own_risk_borne(claim: Claim) -> Decimal:
    """Own risk already borne by the farm in the claim's damage year (other claims)."""
    start, end = damage_year_bounds(damage_year(claim.discovered_on))
    total = db.session.scalar(
        select(func.coalesce(func.sum(Decision.own_risk), 0))
        .join(Claim, Claim.id == Decision.claim_id)
        .where(
            Claim.farmer_id == claim.farmer_id,
            Claim.id != claim.id,
            Claim.discovered_on.between(start, end),
            Decision.in_force,
        )
    )
    return Decimal(total).quantize(Decimal("0.01"))


def _components(claim: Claim, assessment: Assessment | None) -> list[dict[str, Any]]:
    """One component per species × area type; harvested lines count only when all are."""
    if assessment is None:
        # No assessment (e.g. a rejection for lateness): the claim's own parcels, no damage.
        areas: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for row in claim.parcels:
            for species in claim.species:
                areas[(species.species, row.area_type.value)] += row.damaged_area_ha
        return [
            {
                "species": s,
                "area_type": a,
                "assessed_damage": "0.00",
                "damaged_area_ha": str(area),
                "harvested_before_assessment": False,
            }
            for (s, a), area in sorted(areas.items())
        ]
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for line in assessment.lines:
        groups[(line.species, line.area_type.value)].append(line)
    components = []
    for (species, area_type), lines in sorted(groups.items()):
        kept = [line for line in lines if not line.harvested_before_assessment]
        counted = kept or lines
        components.append(
            {
                "species": species,
                "area_type": area_type,
                "assessed_damage": str(
                    sum((line.assessed_damage for line in counted), Decimal("0.00"))
                ),
                "damaged_area_ha": str(
                    sum((line.damaged_area_ha for line in counted), Decimal("0"))
                ),
                "harvested_before_assessment": not kept,
            }
        )
    return components


def assessed_components(claim: Claim) -> list[dict[str, Any]]:
    """Species × area type with the assessed damage the calculation counts now: what a
    correction on objection replaces (crop claims; a livestock claim has none)."""
    if claim.kind == ClaimKind.LIVESTOCK:
        return []
    return [
        {
            "species": c["species"],
            "area_type": c["area_type"],
            "assessed_damage": Decimal(c["assessed_damage"]),
        }
        for c in _components(claim, latest_assessment(claim))
    ]


def _livestock_case(claim: Claim, reduction_pct: Decimal) -> dict[str, Any]:
    """Livestock: one component per predator with the assessor's items per animal."""
    assessment = latest_assessment(claim)
    items: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in assessment.livestock_items if assessment else []:
        entry = {"type": item.item_type, "animal": item.animal, "amount": str(item.amount)}
        if item.item_type == "vet_costs" and item.outcome == "injured":
            entry["animal_value"] = str(item.animal_value)
        items[item.species].append(entry)
    if not items:  # nothing assessed (yet): an empty value for each reported species
        items = {
            s.species: [{"type": "animal_value", "animal": "-", "amount": "0.00"}]
            for s in claim.species
        }
    return {
        "province": claim.province,
        "kind": "livestock",
        "discovered_at": claim.discovered_at.isoformat(),
        "reported_at": (claim.submitted_at or claim.discovered_at).isoformat(),
        "wolf_finding": claim.wolf_finding or "unknown",
        "components": [
            {"species": species, "items": entries} for species, entries in sorted(items.items())
        ],
        "reduction_pct": str(reduction_pct),
    }


def _corrected(
    components: list[dict[str, Any]], corrections: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The components with the assessed damage corrected on objection (species × area type)."""
    by_key = {(c["species"], c["area_type"]): c for c in components}
    unknown = []
    for correction in corrections:
        component = by_key.get((correction["species"], correction["area_type"]))
        if component is None:
            unknown.append(f"{correction['species']} / {correction['area_type']}")
            continue
        component["assessed_damage"] = str(Decimal(correction["assessed_damage"]))
    if unknown:
        raise ValidationFailed(
            fields={
                "corrections": [
                    _(
                        "Geen getaxeerde schade voor %(items)s op deze aanvraag.",
                        items=", ".join(unknown),
                    )
                ]
            }
        )
    return components


def build_case(
    claim: Claim,
    *,
    reduction_pct: Decimal = Decimal("0"),
    corrections: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The engine's input (SPEC §4.4) for the claim as it stands now, with the facts corrected
    on objection if any."""
    if claim.kind == ClaimKind.LIVESTOCK:
        if corrections:
            raise ValidationFailed(
                fields={
                    "corrections": [_("Bij schade aan dieren corrigeert u de taxatie, niet hier.")]
                }
            )
        return _livestock_case(claim, reduction_pct)
    assessment = latest_assessment(claim)
    submitted = local_day(claim.submitted_at) if claim.submitted_at else None
    measures = (
        assessment.preventive_measures_observed
        if assessment is not None
        else claim.preventive_measures
    )
    if claim.autotax:
        # No application: the registration before the deadline stands for it (never late),
        # and no leges were due (autotax).
        submitted = claim.discovered_on
    case = {
        "province": claim.province,
        "kind": "crop",
        "crop": claim.crop,
        "discovered_on": claim.discovered_on.isoformat(),
        "submitted_on": (submitted or claim.discovered_on).isoformat(),
        "preventive_measures": sorted(set(measures or [])),
        "components": _corrected(_components(claim, assessment), corrections or []),
        "reduction_pct": str(reduction_pct),
        "own_risk_borne_this_year": str(own_risk_borne(claim)),
    }
    if claim.autotax:
        case["leges_exempt"] = True
    return case


def calculate_claim(
    claim: Claim,
    *,
    reduction_pct: Decimal = Decimal("0"),
    corrections: list[dict[str, Any]] | None = None,
) -> rules.Result:
    """What the rules engine makes of the claim now (used for the preview and the proposal)."""
    # The case is built here from checked claim data: the engine's trusted path skips validation.
    case = build_case(claim, reduction_pct=reduction_pct, corrections=corrections)
    return rules.calculate(rules.trusted_case(case))


def calculation_preview(claim: Claim, reduction_pct: Decimal = Decimal("0")) -> dict[str, Any]:
    """What the rules engine makes of the claim now: its output plus the case it was given."""
    if claim.status in (ClaimStatus.DRAFT, ClaimStatus.AWAITING_PAYMENT, ClaimStatus.WITHDRAWN):
        raise Conflict(_("Een berekening kan pas als de aanvraag in behandeling is."))
    try:
        case = build_case(claim, reduction_pct=reduction_pct)
        result = rules.calculate(rules.trusted_case(case))
    except NotImplementedError:
        raise Conflict(_("Voor deze soort aanvraag is nog geen berekening beschikbaar.")) from None
    except rules.RulesError as exc:
        raise Conflict(
            _("De rekenregels kunnen deze aanvraag niet berekenen: %(error)s", error=exc)
        ) from None
    return {**result.to_dict(), "case": case}
