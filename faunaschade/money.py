"""Money helpers for the app: Decimal cents, half-up rounding, Dutch formatting.

The arithmetic lives in the rules engine (`faunaschade.rules.amounts`, Flask-free); this module
is the app's one entry point to it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date

from faunaschade.rules.amounts import CENT, cents, dutch_date, eur

__all__ = ["CENT", "cents", "dutch_date", "format_eur", "written_date"]


def format_eur(value: Decimal | str | int | None) -> str:
    """Dutch notation: € 2.950,00 (empty for None)."""
    if value is None:
        return ""
    return eur(cents(Decimal(value)))


def written_date(value: date, language: str = "nl") -> str:
    """A date in words in the interface language: "3 maart 2025", "3 March 2025".

    Letters are Dutch and use `dutch_date`; pages and e-mails follow the reader's language.
    """
    if language == "nl":
        return dutch_date(value)
    return format_date(value, "d MMMM y", locale=language)
