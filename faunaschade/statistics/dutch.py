"""The statistics in Dutch words: column headings and group values, for the export for Dutch
Excel (format=csv-nl), which stays Dutch; the words are message ids (`N_`), so the dashboard
shows them in the page's language (web/statistics.py)."""

from __future__ import annotations

from typing import Any

from faunaschade.i18n import N_
from faunaschade.provinces import PROVINCES
from faunaschade.rules.catalogue import CROPS, SPECIES
from faunaschade.statistics.groups import CROP_GROUP_LABELS, SPECIES_GROUP_LABELS

#: Group keys as column headings.
KEY_LABELS = {
    "damage_year": N_("Schadejaar"),
    "province": N_("Provincie"),
    "species": N_("Diersoort"),
    "crop": N_("Teelt"),
    "month": N_("Maand"),
    "outcome": N_("Uitkomst"),
    "species_group": N_("Soortgroep"),
    "crop_group": N_("Gewasgroep"),
}
#: Measures as column headings; amounts in euros, the handling time in days.
MEASURE_LABELS = {
    "claims": N_("Aanvragen"),
    "granted": N_("Toegekend"),
    "rejected": N_("Afgewezen"),
    "not_processed": N_("Buiten behandeling"),
    "withdrawn": N_("Ingetrokken"),
    "overdue": N_("Over de termijn"),
    "assessed_damage": N_("Getaxeerde schade (euro)"),
    "own_risk": N_("Eigen risico (euro)"),
    "paid": N_("Uitbetaald (euro)"),
    "leges_received": N_("Leges ontvangen (euro)"),
    "leges_refunded": N_("Leges terugbetaald (euro)"),
    "median_days_to_decision": N_("Mediane behandelduur (dagen)"),
    "reports": N_("Meldingen"),
    "reports_converted": N_("Meldingen omgezet in aanvraag"),
    "reported_damage": N_("Geschatte schade meldingen (euro)"),
}
OUTCOME_LABELS = {
    "granted": N_("Toegekend"),
    "partially_granted": N_("Deels toegekend"),
    "rejected": N_("Afgewezen"),
    "not_processed": N_("Buiten behandeling"),
    "none": N_("Nog geen besluit"),
}
MONTH_NAMES = (N_("januari"), N_("februari"), N_("maart"), N_("april"), N_("mei"), N_("juni"),
               N_("juli"), N_("augustus"), N_("september"), N_("oktober"), N_("november"),
               N_("december"))  # fmt: skip
#: The value of a group without one: claims for livestock have no crop, undecided no outcome.
NONE_LABELS = {"crop": N_("Vee (wolf, goudjakhals)"), "outcome": N_("Nog geen besluit")}


def heading(name: str) -> str:
    """A column of the statistics as a Dutch heading."""
    return KEY_LABELS.get(name) or MEASURE_LABELS[name]


def label(key: str, value: Any) -> str:
    """A group key's value as Dutch words."""
    if value is None:
        return NONE_LABELS.get(key, "—")
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
    if key == "species_group":
        return SPECIES_GROUP_LABELS.get(value, value)
    if key == "crop_group":
        return CROP_GROUP_LABELS.get(value, value)
    return str(value)
