"""Assessed damage for seeded claims: report lines (quantity × price), animals, components."""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from faunaschade.rules.amounts import cents
from faunaschade.seed import profile
from faunaschade.seed.sampling import Skeleton

UNITS_PRICE_SOURCE = {"kg_ds": "bij12", "kg": "kwin", "pieces": "kwin"}
#: How many animals a wolf attack hits, with its weight.
HERD_SIZES = ((1, 25), (2, 22), (3, 16), (4, 14), (6, 10), (9, 8), (14, 5))


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """One key, chosen by weight."""
    return rng.choices(list(weights), list(weights.values()))[0]


def area_type(rng: random.Random, sk: Skeleton) -> str:
    """Mostly regular land; goose areas only for geese, where the province has them."""
    geese = any(s in profile.GEESE for s in sk.species)
    weights = {
        area: w
        for area, w in profile.AREA_TYPES.items()
        if area == "regular"
        or (geese and sk.province in profile.AREA_PROVINCES.get(area, (sk.province,)))
    }
    return weighted(rng, weights)


def report_lines(
    rng: random.Random, sk: Skeleton, assessment_id: int, areas, *, generous: bool = False
) -> list[dict[str, Any]]:
    """One report line per parcel and species; damage = lost quantity × unit price."""
    crop = profile.CROPS[sk.crop]
    low, high = crop.loss_per_ha
    lines = []
    for parcel_id, area_kind, damaged in areas:
        share = damaged / len(sk.species)
        for species in sk.species:
            area = max(Decimal("0.0500"), share.quantize(Decimal("0.0001")))
            spread = rng.lognormvariate(0, 0.35) * (low + (high - low) * rng.random())
            quantity = Decimal(max(1, round(float(area) * (high if generous else spread))))
            price = Decimal(f"{rng.uniform(*crop.price):.4f}")
            lines.append(
                {
                    "assessment_id": assessment_id,
                    "parcel_id": parcel_id,
                    "species": species,
                    "area_type": area_kind,
                    "damaged_area_ha": area,
                    "lost_quantity": quantity,
                    "unit": crop.unit,
                    "unit_price": price,
                    "price_source": UNITS_PRICE_SOURCE[crop.unit],
                    "harvested_before_assessment": not generous and rng.random() < 0.015,
                    "assessed_damage": cents(quantity * price),
                }
            )
    return lines


def _animal_row(assessment_id: int, species: str, kind: str, animal: str, **fields) -> dict:
    row = {
        "assessment_id": assessment_id,
        "species": species,
        "animal": animal,
        "animal_kind": kind,
        "breed": "",
        "sex": "female",
        "age_class": "volwassen",
        "pregnant": False,
        "animal_value": None,
    }
    row.update(fields)
    return row


def animals(
    rng: random.Random, sk: Skeleton, assessment_id: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Killed and injured animals (DOMAIN §7): the livestock_items rows and the engine's items."""
    species = sk.species[0]
    kind = weighted(rng, {k: w for k, (w, _) in profile.ANIMALS.items()})
    low, high = profile.ANIMALS[kind][1]
    rows: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    sizes, weights = zip(*HERD_SIZES, strict=True)
    for n in range(1, rng.choices(sizes, weights)[0] + 1):
        animal = f"{kind}-{n}"
        value = cents(Decimal(rng.uniform(low, high)))
        killed = rng.random() < 0.75
        amount = value if killed else cents(Decimal(rng.uniform(40, 260)))
        item_type = "animal_value" if killed else "vet_costs"
        rows.append(
            _animal_row(
                assessment_id, species, kind, animal, outcome="killed" if killed else "injured",
                item_type=item_type, amount=amount, animal_value=None if killed else value,
            )
        )  # fmt: skip
        item = {"type": item_type, "animal": animal, "amount": str(amount)}
        if not killed:
            item["animal_value"] = str(value)
        items.append(item)
    rows.append(
        _animal_row(
            assessment_id, species, kind, f"{kind}-1", outcome="killed",
            item_type="carcass_removal", amount=Decimal("65.00"),
        )
    )  # fmt: skip
    items.append({"type": "carcass_removal", "animal": f"{kind}-1", "amount": "65.00"})
    return rows, items


def line_components(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """As decisions.calculation: one component per species × area type; harvested lines count
    only when every line of the component was harvested."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        groups[(line["species"], line["area_type"])].append(line)
    components = []
    for (species, area_type), group in sorted(groups.items()):
        kept = [line for line in group if not line["harvested_before_assessment"]]
        counted = kept or group
        components.append(
            {
                "species": species,
                "area_type": area_type,
                "assessed_damage": str(
                    sum((x["assessed_damage"] for x in counted), Decimal("0.00"))
                ),
                "damaged_area_ha": str(sum((x["damaged_area_ha"] for x in counted), Decimal("0"))),
                "harvested_before_assessment": not kept,
            }
        )
    return components


def claim_components(species: tuple[str, ...], areas) -> list[dict[str, Any]]:
    """Without an assessment: the claim's parcels for every species, no damage."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for _, area_type, damaged in areas:
        for code in species:
            totals[(code, area_type)] += damaged
    return [
        {
            "species": s,
            "area_type": a,
            "assessed_damage": "0.00",
            "damaged_area_ha": str(area),
            "harvested_before_assessment": False,
        }
        for (s, a), area in sorted(totals.items())
    ]
