"""Field helpers with Dutch messages, shared by the load schemas."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal

from marshmallow import RAISE, Schema, fields, validate

REQUIRED = "Dit veld is verplicht."
#: Dates outside this period are typing errors; near year 1 or 9999 date arithmetic (a day
#: later, to UTC) would overflow.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
SANE_PERIOD = "Geef een datum tussen 2000 en 2100."
#: marshmallow's message for NaN and Infinity, which a Decimal field refuses.
NOT_A_NUMBER = "Geef een gewoon getal; NaN en oneindig zijn hier niet toegestaan."


class LoadSchema(Schema):
    """Base of every load schema: unknown fields are refused by name."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "Onbekend veld.", "type": "Verwacht een JSON-object."}


def _messages(**extra: str) -> dict[str, str]:
    return {"required": REQUIRED, "null": REQUIRED, **extra}


def text(max_length: int, *, required: bool = True, min_length: int | None = None) -> fields.String:
    """A string of bounded length."""
    low = 1 if required and min_length is None else (min_length or 0)
    return fields.String(
        required=required,
        validate=validate.Length(
            min=low, max=max_length, error=f"Gebruik {low} tot {max_length} tekens."
        ),
        error_messages=_messages(invalid="Verwacht tekst."),
    )


def choice(options: Iterable[str], what: str, *, required: bool = True) -> fields.String:
    """One of a fixed list of codes."""
    allowed = list(options)
    return fields.String(
        required=required,
        validate=validate.OneOf(allowed, error=f"Onbekende {what}: {{input}}."),
        error_messages=_messages(invalid="Verwacht tekst."),
    )


def positive_decimal(places: int, *, required: bool = True, maximum: str | None = None):
    """A decimal (string or number) above zero, rounded to `places`."""
    return fields.Decimal(
        places=places,
        as_string=True,
        required=required,
        validate=validate.Range(
            min=Decimal(0),
            min_inclusive=False,
            max=Decimal(maximum) if maximum else None,
            error="Geef een getal groter dan 0" + (f" en hoogstens {maximum}." if maximum else "."),
        ),
        error_messages=_messages(
            invalid="Geef een getal, bijv. 1.25 (punt als decimaalteken).", special=NOT_A_NUMBER
        ),
    )


def iso_date(*, required: bool = True) -> fields.Date:
    """A date as YYYY-MM-DD, in this century."""
    return fields.Date(
        required=required,
        validate=validate.Range(FIRST_DAY, LAST_DAY, error=SANE_PERIOD),
        error_messages=_messages(invalid="Geef een datum als JJJJ-MM-DD."),
    )


def aware_datetime(*, required: bool = True) -> fields.AwareDateTime:
    """A moment with its time zone, as 2025-03-01T06:30:00+01:00, in this century."""
    return fields.AwareDateTime(
        required=required,
        validate=validate.Range(
            datetime.combine(FIRST_DAY, time(), UTC),
            datetime.combine(LAST_DAY, time.max, UTC),
            error=SANE_PERIOD,
        ),
        error_messages=_messages(
            invalid="Geef datum en tijd als JJJJ-MM-DDTUU:MM+01:00.",
            invalid_awareness="Geef de tijd met tijdzone, bijv. +01:00.",
        ),
    )
