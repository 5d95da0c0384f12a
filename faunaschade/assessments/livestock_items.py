"""The assessor's livestock part of a report: per animal its value from the price table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from faunaschade.models import Claim, LivestockItem
from faunaschade.rules.prices import PriceError, price_table_for

#: Extra cost items besides the animal's value, as the engine names them.
EXTRA_ITEMS = (
    ("vet_costs", "vet_costs"),
    ("abortion", "abortion"),
    ("carcass_removal", "carcass_removal"),
)


def _item(
    animal: dict[str, Any], item_type: str, amount: Decimal, animal_value: Decimal | None = None
) -> LivestockItem:
    return LivestockItem(
        species=animal["species"],
        animal=animal["animal"],
        animal_kind=animal["animal_kind"],
        breed=animal["breed_group"],
        sex=animal["sex"],
        age_class=animal["age_class"],
        pregnant=animal["pregnant"],
        outcome=animal["outcome"],
        item_type=item_type,
        amount=amount,
        animal_value=animal_value,
    )


def animal_items(
    claim: Claim, animals: list[dict[str, Any]]
) -> tuple[list[LivestockItem], dict[str, list[str]]]:
    """The cost items of the animals, or the field errors (path → messages)."""
    errors: dict[str, list[str]] = {}
    items: list[LivestockItem] = []
    table = price_table_for(claim.discovered_on)
    on_claim = {row.species for row in claim.species}
    labels: set[str] = set()
    for i, animal in enumerate(animals):
        path = f"animals[{i}]"
        if animal["species"] not in on_claim:
            errors[f"{path}.species"] = [_("Deze diersoort staat niet op de melding.")]
        if animal["animal"] in labels:
            errors[f"{path}.animal"] = [_("Elk dier heeft een eigen naam of nummer.")]
        labels.add(animal["animal"])
        try:
            value = table.value(
                animal["animal_kind"],
                animal["breed_group"],
                animal["sex"],
                animal["age_class"],
                animal["pregnant"],
            )
        except PriceError as exc:
            errors[f"{path}.breed_group"] = [str(exc)]
            continue
        if animal["outcome"] == "killed":
            items.append(_item(animal, "animal_value", value))
        elif animal.get("vet_costs") is None:
            errors[f"{path}.vet_costs"] = [_("Een gewond dier heeft dierenartskosten.")]
        injured = animal["outcome"] == "injured"
        for field, item_type in EXTRA_ITEMS:
            amount = animal.get(field)
            # An injured animal keeps its vet costs even at 0: they carry its value (the cap),
            # so the animal is still there when the report is read back.
            if amount is not None and (amount > 0 or (injured and item_type == "vet_costs")):
                cap = value if item_type == "vet_costs" and injured else None
                items.append(_item(animal, item_type, amount, cap))
    return items, errors
