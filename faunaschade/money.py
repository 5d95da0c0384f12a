"""Money helpers for the app: Decimal cents, half-up rounding, Dutch formatting.

The arithmetic lives in the rules engine (`faunaschade.rules.amounts`, Flask-free); this module
is the app's one entry point to it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date

from faunaschade.rules.amounts import AMSTERDAM, CENT, cents, dutch_date, dutch_moment, eur

__all__ = [
    "CENT",
    "cents",
    "dutch_date",
    "dutch_moment",
    "format_eur",
    "written_date",
    "written_moment",
]


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


def written_moment(moment: datetime, language: str = "nl") -> str:
    """A moment as Dutch time in words in the interface language: "13 januari 2026 06:30",
    "13 January 2026 06:30" (an aware moment in Europe/Amsterdam, a naive one as given).

    Dutch is exactly `dutch_moment`, the letters' and the engine's wording.
    """
    if language == "nl":
        return dutch_moment(moment)
    local = moment.astimezone(AMSTERDAM) if moment.tzinfo is not None else moment
    return f"{written_date(local.date(), language)} {local:%H:%M}"
