"""Dutch labels for codes, handed to the templates."""

from __future__ import annotations

from typing import Any

from faunaschade.models.claims import PREVENTIVE_MEASURES
from faunaschade.provinces import PROVINCES
from faunaschade.rules.catalogue import AREA_TYPES, CROPS, SPECIES
from faunaschade.vocabulary import (
    OFFICER_REASONS,
    OUTCOME_LABELS,
    SPECIES_GROUPS,
    STATUS_LABELS,
    TENURE_LABELS,
)


def vocabulary() -> dict[str, Any]:
    """Everything a page needs to show codes as words."""
    return {
        "PROVINCES": PROVINCES,
        "CROPS": {
            code: crop.name_nl for code, crop in sorted(CROPS.items(), key=lambda kv: kv[1].name_nl)
        },
        "SPECIES": {
            code: s.name_nl
            for code, s in sorted(SPECIES.items(), key=lambda kv: kv[1].name_nl)
            if s.kind == "crop"
        },
        # The claim form's choice: (group, {code: name}) in the order of vocabulary.SPECIES_GROUPS.
        "SPECIES_GROUPS": [
            (group, {code: SPECIES[code].name_nl for code in codes})
            for group, codes in SPECIES_GROUPS
        ],
        "AREA_TYPES": AREA_TYPES,
        "MEASURES": PREVENTIVE_MEASURES,
        "STATUS_LABELS": STATUS_LABELS,
        "TENURE_LABELS": TENURE_LABELS,
        "OUTCOME_LABELS": OUTCOME_LABELS,
        "REASONS": OFFICER_REASONS,
    }
