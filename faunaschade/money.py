"""Money helpers: Decimal cents, half-up rounding, Dutch formatting."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(value: Decimal | str | int) -> Decimal:
    """Round half-up to whole cents."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_eur(value: Decimal | str | int | None) -> str:
    """Dutch notation: € 2.950,00 (minus sign before the symbol)."""
    if value is None:
        return ""
    amount = cents(value)
    sign = "-" if amount < 0 else ""
    whole, frac = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}€ {grouped},{frac}"
