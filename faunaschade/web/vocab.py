"""Labels for codes, handed to the templates in the reader's language.

The tables in faunaschade.vocabulary (and the catalogue's area types and the preventive
measures) hold Dutch message ids, which letters and exports print as they are; a page
translates them here, per request. Crop and species names come from the catalogue, which
holds both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext

from faunaschade.i18n import language, name_of
from faunaschade.models.claims import PREVENTIVE_MEASURES
from faunaschade.provinces import PROVINCES
from faunaschade.rules.catalogue import AREA_TYPES, CROPS, SPECIES
from faunaschade.vocabulary import (
    OBJECTION_OUTCOME_LABELS,
    OFFICER_REASONS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    SPECIES_GROUPS,
    STATUS_LABELS,
    TENURE_LABELS,
)

__all__ = ["STATUS_LABELS", "english", "name_of", "translated", "vocabulary"]


def english() -> bool:
    """Whether the page is being shown in English."""
    return language() == "en"


def translated(table: Mapping[Any, str]) -> dict[Any, str]:
    """A table of Dutch labels in the reader's language (same keys, same order)."""
    return {code: gettext(label) for code, label in table.items()}


def _names(table: Mapping[str, Any], **where: str) -> dict[str, str]:
    """Catalogue entries by code, named and sorted in the reader's language."""
    names = {
        code: name_of(entry)
        for code, entry in table.items()
        if all(getattr(entry, k) == v for k, v in where.items())
    }
    return dict(sorted(names.items(), key=lambda kv: kv[1].lower()))


def vocabulary() -> dict[str, Any]:
    """Everything a page needs to show codes as words."""
    return {
        "PROVINCES": PROVINCES,
        "CROPS": _names(CROPS),
        "SPECIES": _names(SPECIES, kind="crop"),
        # The claim form's choice: (group, {code: name}) in the order of vocabulary.SPECIES_GROUPS
        # (the commonest first, in every language).
        "SPECIES_GROUPS": [
            (gettext(group), {code: name_of(SPECIES[code]) for code in codes})
            for group, codes in SPECIES_GROUPS
        ],
        "AREA_TYPES": translated(AREA_TYPES),
        "MEASURES": translated(PREVENTIVE_MEASURES),
        "STATUS_LABELS": translated(STATUS_LABELS),
        "TENURE_LABELS": translated(TENURE_LABELS),
        "OUTCOME_LABELS": translated(OUTCOME_LABELS),
        "OBJECTION_OUTCOMES": translated(OBJECTION_OUTCOME_LABELS),
        "REASONS": translated(OFFICER_REASONS),
        "ROLE_LABELS": translated(ROLE_LABELS),
    }
