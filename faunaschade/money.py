"""Money helpers for the app: Decimal cents, half-up rounding, Dutch formatting.

The arithmetic lives in the rules engine (`faunaschade.rules.amounts`, Flask-free); this module
is the app's one entry point to it.
"""

from __future__ import annotations

from decimal import Decimal

from faunaschade.rules.amounts import CENT, cents, dutch_date, dutch_moment, eur

__all__ = ["CENT", "cents", "dutch_date", "dutch_moment", "format_eur"]


def format_eur(value: Decimal | str | int | None) -> str:
    """Dutch notation: € 2.950,00 (empty for None)."""
    if value is None:
        return ""
    return eur(cents(Decimal(value)))
