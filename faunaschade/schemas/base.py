"""Field helpers with Dutch messages, shared by the load schemas.

The messages are Dutch message ids marked with `N_`; a load schema translates its errors into
the reader's language when it refuses (LoadSchema.handle_error)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from faunaschade.i18n import N_, translate

REQUIRED = N_("Dit veld is verplicht.")
#: Dates outside this period are typing errors; near year 1 or 9999 date arithmetic (a day
#: later, to UTC) would overflow.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
SANE_PERIOD = N_("Geef een datum tussen 2000 en 2100.")
#: marshmallow's message for NaN and Infinity, which a Decimal field refuses.
NOT_A_NUMBER = N_("Geef een gewoon getal; NaN en oneindig zijn hier niet toegestaan.")


class LoadSchema(Schema):
    """Base of every load schema: unknown fields are refused by name."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": N_("Onbekend veld."), "type": N_("Verwacht een JSON-object.")}

    def handle_error(self, error: ValidationError, data: Any, **kwargs: Any) -> None:
        """Refused: the messages in the reader's language (Dutch outside a request)."""
        error.messages = translate(error.messages)


def _messages(**extra: str) -> dict[str, str]:
    return {"required": REQUIRED, "null": REQUIRED, **extra}


def text(max_length: int, *, required: bool = True, min_length: int | None = None) -> fields.String:
    """A string of bounded length."""
    low = 1 if required and min_length is None else (min_length or 0)
    return fields.String(
        required=required,
        validate=validate.Length(
            min=low,
            max=max_length,
            error=N_("Gebruik %(low)s tot %(high)s tekens.", low=low, high=max_length),
        ),
        error_messages=_messages(invalid=N_("Verwacht tekst.")),
    )


def choice(options: Iterable[str], what: str, *, required: bool = True) -> fields.String:
    """One of a fixed list of codes."""
    allowed = list(options)
    return fields.String(
        required=required,
        validate=validate.OneOf(allowed, error=N_("Onbekende %(what)s: {input}.", what=what)),
        error_messages=_messages(invalid=N_("Verwacht tekst.")),
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
            error=(
                N_("Geef een getal groter dan 0 en hoogstens %(maximum)s.", maximum=maximum)
                if maximum
                else N_("Geef een getal groter dan 0.")
            ),
        ),
        error_messages=_messages(
            invalid=N_("Geef een getal, bijv. 1.25 (punt als decimaalteken)."), special=NOT_A_NUMBER
        ),
    )


def iso_date(*, required: bool = True) -> fields.Date:
    """A date as YYYY-MM-DD, in this century."""
    return fields.Date(
        required=required,
        validate=validate.Range(FIRST_DAY, LAST_DAY, error=SANE_PERIOD),
        error_messages=_messages(invalid=N_("Geef een datum als JJJJ-MM-DD.")),
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
            invalid=N_("Geef datum en tijd als JJJJ-MM-DDTUU:MM+01:00."),
            invalid_awareness=N_("Geef de tijd met tijdzone, bijv. +01:00."),
        ),
    )
