"""The livestock report form without JavaScript: numbered animal rows ↔ the report schema's
`animals`, and each row's value from the price table as the page shows it."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from faunaschade.models import Assessment, Claim
from faunaschade.rules.catalogue import ANIMAL_KINDS, SPECIES
from faunaschade.rules.prices import PriceError, PriceTable
from faunaschade.vocabulary import ANIMAL_OUTCOME_LABELS, SEX_LABELS
from faunaschade.web.assessment_form import (
    dutch_number,
    move_row_errors,
    plain,
    row_count,
    row_error_labels,
    visit_label,
)
from faunaschade.web.formdata import whole_number
from faunaschade.web.vocab import name_of, translated

#: Fields of an animal row, in form order (pregnant is a checkbox of its own).
ANIMAL_FIELDS = (
    "species",
    "animal",
    "animal_kind",
    "breed_group",
    "sex",
    "age_class",
    "outcome",
    "vet_costs",
    "abortion",
    "carcass_removal",
)
#: Amounts in euros, typed with a decimal comma or point.
MONEY_FIELDS = ("vet_costs", "abortion", "carcass_removal")
#: A row counts as filled in when one of these has a value (the predator always has one).
TYPED = tuple(f for f in ANIMAL_FIELDS if f != "species")
#: Empty animal rows offered below the recorded ones; the "add" button adds one more.
SPARE_ANIMALS, MORE_ANIMALS = 1, 1
MAX_ROWS = 500

#: Names of the fields, for labels and the error summary (in the page's language).
FIELD_LABELS = {
    "species": _l("Veroorzaakt door"),
    "animal": _l("Naam of oormerk van het dier"),
    "animal_kind": _l("Soort dier"),
    "breed_group": _l("Rasgroep"),
    "sex": _l("Geslacht"),
    "age_class": _l("Leeftijdsklasse"),
    "pregnant": _l("Drachtig"),
    "outcome": _l("Dood of gewond"),
    "vet_costs": _l("Dierenartskosten (€)"),
    "abortion": _l("Verlies door verwerpen (€)"),
    "carcass_removal": _l("Afvoer kadaver (€)"),
    "date": _l("Datum"),
    "remarks": _l("Opmerkingen"),
}
#: Age classes from young to old (the price table's codes).
AGE_ORDER = ("lam", "big", "jaarling", "jong", "pink", "volwassen", "oud")


def _word(code: str) -> str:
    return code.replace("_", " ")


def choices(claim: Claim, table: PriceTable) -> dict[str, dict[str, str]]:
    """The options of the row selects: what the price table knows, in the page's language
    (breed groups and age classes are the price table's own Dutch codes)."""
    kinds = sorted({key[0] for key in table.values})
    breeds = sorted({key[1] for key in table.values})
    ages = sorted(
        {key[3] for key in table.values},
        key=lambda a: (AGE_ORDER.index(a) if a in AGE_ORDER else len(AGE_ORDER), a),
    )
    return {
        "species": {
            s.species: name_of(SPECIES[s.species]) if s.species in SPECIES else s.species
            for s in sorted(claim.species, key=lambda s: s.species)
        },
        "animal_kind": {k: name_of(ANIMAL_KINDS[k]) if k in ANIMAL_KINDS else k for k in kinds},
        "breed_group": {b: _word(b) for b in breeds},
        "sex": translated(SEX_LABELS),
        "age_class": {a: _word(a) for a in ages},
        "outcome": translated(ANIMAL_OUTCOME_LABELS),
    }


def price_data(table: PriceTable) -> str:
    """The price table as JSON for the page's script: "kind|breed|sex|age|0/1" → "240.00"."""
    return json.dumps(
        {
            "|".join((*key[:4], "1" if key[4] else "0")): str(value)
            for key, value in sorted(table.values.items())
        },
        separators=(",", ":"),
    )


def parse(form: MultiDict) -> tuple[dict[str, Any], list[int], list[int], dict[str, Any]]:
    """(report data, form row of each animal, form row of each visit, values to show again)."""
    animals, animal_rows, shown_animals = [], [], []
    for i in range(row_count(form, "animal_rows", MAX_ROWS)):
        row: dict[str, Any] = {f: form.get(f"animal-{i}-{f}", "").strip() for f in ANIMAL_FIELDS}
        row["pregnant"] = bool(form.get(f"animal-{i}-pregnant"))
        shown_animals.append(row)
        if not (row["pregnant"] or any(row[f] for f in TYPED)):
            continue
        item: dict[str, Any] = {k: v for k, v in row.items() if v != ""}
        for f in MONEY_FIELDS:
            if f in item:
                item[f] = dutch_number(item[f])
        animals.append(item)
        animal_rows.append(i)
    visits, visit_rows, shown_visits = [], [], []
    for i in range(row_count(form, "visit_rows", MAX_ROWS)):
        visit = {
            "date": form.get(f"visit-{i}-date", "").strip(),
            "remarks": form.get(f"visit-{i}-remarks", "").strip(),
        }
        shown_visits.append(visit)
        if visit["date"] or visit["remarks"]:
            visits.append({k: v for k, v in visit.items() if v != "" or k == "date"})
            visit_rows.append(i)
    remarks = form.get("remarks", "").strip()
    data = {"visits": visits, "lines": [], "animals": animals, "remarks": remarks}
    shown = {"animals": shown_animals, "visits": shown_visits, "remarks": remarks}
    return data, animal_rows, visit_rows, shown


def field_errors(
    errors: dict[str, list[str]], animal_rows: list[int], visit_rows: list[int]
) -> dict[str, list[str]]:
    """Schema/service paths (animals[k].x) → form field names (animal-i-x) of the rows shown."""
    return move_row_errors(
        errors, {"animals": ("animal", animal_rows), "visits": ("visit", visit_rows)}
    )


def _blank(claim: Claim) -> dict[str, Any]:
    species = sorted(s.species for s in claim.species)
    row: dict[str, Any] = dict.fromkeys(ANIMAL_FIELDS, "")
    return {**row, "species": species[0] if species else "", "pregnant": False}


def _money(value: Decimal | None) -> str:
    return "" if value is None else plain(value)


def initial(assessment: Assessment) -> dict[str, Any]:
    """The form's values from what was saved."""
    return {
        "animals": [
            {
                "species": a.species,
                "animal": a.animal,
                "animal_kind": a.animal_kind,
                "breed_group": a.breed_group,
                "sex": a.sex,
                "age_class": a.age_class,
                "pregnant": a.pregnant,
                "outcome": a.outcome,
                "vet_costs": _money(a.vet_costs),
                "abortion": _money(a.abortion),
                "carcass_removal": _money(a.carcass_removal),
            }
            for a in assessment.animals
        ],
        "visits": [
            {"date": v.visited_on.isoformat(), "remarks": v.remarks} for v in assessment.visits
        ],
        "remarks": assessment.remarks,
    }


def with_spare_rows(
    claim: Claim, values: dict[str, Any], animals: int = SPARE_ANIMALS, visits: int = 1
) -> dict[str, Any]:
    """The rows as they are, with `animals` and `visits` empty rows added below."""
    return {
        **values,
        "animals": (values["animals"] + [_blank(claim) for _ in range(animals)])[:MAX_ROWS],
        "visits": (values["visits"] + [{"date": "", "remarks": ""}] * visits)[:MAX_ROWS],
    }


def row_value(table: PriceTable, row: dict[str, Any]) -> Decimal | str:
    """A row's value from the price table, or why there is none: "incomplete" (not all of
    kind, breed group, sex and age chosen) or "unknown" (the table has no such animal)."""
    key = [row.get(f) or "" for f in ("animal_kind", "breed_group", "sex", "age_class")]
    if not all(key):
        return "incomplete"
    try:
        return table.value(*key, bool(row.get("pregnant")))
    except PriceError:
        return "unknown"


def error_labels(errors: dict[str, list[str]]) -> dict[str, str]:
    """'animal-1-vet_costs' → 'Dier 2: Dierenartskosten (€)' for the error summary."""
    labels = {
        "visits": gettext("Bezoeken"),
        "animals": gettext("Dieren"),
        "lines": gettext("Taxatieregels"),
        "remarks": gettext("Opmerkingen"),
        "_schema": gettext("Rapport"),
    }

    def animal(n: int, field: str) -> str:
        return gettext("Dier %(n)s: %(field)s", n=n, field=field)

    return row_error_labels(errors, labels, FIELD_LABELS, {"animal": animal, "visit": visit_label})


def extra_rows(raw: str | None, step: int) -> int:
    """Rows asked for in the address (after "save and add"), at most 50 at a time."""
    return min(whole_number(raw) or 0, 50) * step
