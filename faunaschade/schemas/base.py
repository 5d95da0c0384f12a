"""Field helpers with Dutch messages, shared by the load schemas."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from marshmallow import RAISE, Schema, fields, validate

REQUIRED = "Dit veld is verplicht."


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
        error_messages=_messages(invalid="Geef een getal, bijv. 1.25 (punt als decimaalteken)."),
    )


def iso_date(*, required: bool = True) -> fields.Date:
    """A date as YYYY-MM-DD."""
    return fields.Date(
        required=required, error_messages=_messages(invalid="Geef een datum als JJJJ-MM-DD.")
    )
