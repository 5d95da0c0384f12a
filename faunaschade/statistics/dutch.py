"""The statistics in Dutch words: column headings and group values, for the dashboard and the
export for Dutch Excel (format=csv-nl)."""

from __future__ import annotations

from typing import Any

from faunaschade.provinces import PROVINCES
from faunaschade.rules.catalogue import CROPS, SPECIES

#: Group keys as column headings.
KEY_LABELS = {
    "damage_year": "Schadejaar",
    "province": "Provincie",
    "species": "Diersoort",
    "crop": "Teelt",
    "month": "Maand",
    "outcome": "Uitkomst",
}
#: Measures as column headings; amounts in euros, the handling time in days.
MEASURE_LABELS = {
    "claims": "Aanvragen",
    "granted": "Toegekend",
    "rejected": "Afgewezen",
    "not_processed": "Buiten behandeling",
    "withdrawn": "Ingetrokken",
    "overdue": "Over de termijn",
    "assessed_damage": "Getaxeerde schade (euro)",
    "own_risk": "Eigen risico (euro)",
    "paid": "Uitbetaald (euro)",
    "leges_received": "Leges ontvangen (euro)",
    "leges_refunded": "Leges terugbetaald (euro)",
    "median_days_to_decision": "Mediane behandelduur (dagen)",
}
OUTCOME_LABELS = {
    "granted": "Toegekend",
    "partially_granted": "Deels toegekend",
    "rejected": "Afgewezen",
    "not_processed": "Buiten behandeling",
    "none": "Nog geen besluit",
}
MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december")  # fmt: skip


def heading(name: str) -> str:
    """A column of the statistics as a Dutch heading."""
    return KEY_LABELS.get(name) or MEASURE_LABELS[name]


def label(key: str, value: Any) -> str:
    """A group key's value as Dutch words."""
    if value is None:
        return {"crop": "Vee (wolf, goudjakhals)", "outcome": "Nog geen besluit"}.get(key, "—")
    if key == "province":
        return PROVINCES.get(value, value)
    if key == "species":
        return SPECIES[value].name_nl if value in SPECIES else value
    if key == "crop":
        return CROPS[value].name_nl if value in CROPS else value
    if key == "month":
        return MONTH_NAMES[value - 1]
    if key == "outcome":
        return OUTCOME_LABELS.get(value, value)
    return str(value)
