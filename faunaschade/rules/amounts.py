"""Cents rounding and Dutch formatting of amounts, rates and dates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
# Swap the English separators for the Dutch ones in one pass.
_DUTCH = str.maketrans(",.", ".,")


def cents(value: Decimal) -> Decimal:
    """Round to whole cents, half up (SPEC §4: at each step)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def eur(value: Decimal) -> str:
    """Format an amount the Dutch way: ``€ 3.200,00``."""
    return "€ " + format(value, ",.2f").translate(_DUTCH)


@lru_cache(maxsize=256)  # a rule set has a handful of rates
def pct(rate: Decimal) -> str:
    """Format a fraction as a Dutch percentage: ``0.05`` → ``5%``, ``0.125`` → ``12,5%``."""
    text = format((rate * HUNDRED).normalize(), "f")
    return text.replace(".", ",") + "%"


@lru_cache(maxsize=4096)
def dutch_date(day: date) -> str:
    """Format a date as in a Dutch letter: ``3 maart 2025``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
