"""Strict marshmallow fields for rule sets and cases, and error flattening."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import fields

_DECIMAL = re.compile(r"-?\d+(?:\.(\d+))?")
#: A lower-case code (preventive measures); anchored, unlike a bare ``validate.Regexp``.
CODE = re.compile(r"[a-z][a-z0-9_]*\Z")
_MONTH_DAY = re.compile(r"(\d\d)-(\d\d)")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
CONFIDENCES = ("confirmed", "likely", "assumed")


class StrictDecimal(fields.Field):
    """A Decimal from a string, int or Decimal (never a float), with bounds and at most places."""

    default_error_messages = {
        "invalid": "Not a valid decimal.",
        "places": "At most {places} decimals.",
        "minimum": "Must be at least {minimum}.",
        "maximum": "Must be at most {maximum}.",
    }

    def __init__(
        self,
        *,
        places: int | None = None,
        minimum: Decimal | None = Decimal(0),
        maximum: Decimal | None = None,
        quantize: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.places = places
        self.minimum = minimum
        self.maximum = maximum
        # Money is brought to exactly ``places`` decimals so that "12" reads as 12.00.
        self.quantum = Decimal(1).scaleb(-places) if quantize and places is not None else None

    def convert(self, value: Any) -> Decimal | str:
        """The Decimal, or the key of the error message that refuses ``value``."""
        if isinstance(value, str):
            match = _DECIMAL.fullmatch(value)
            if match is None:
                return "invalid"
            if self.places is not None and len(match[1] or "") > self.places:
                return "places"
            number = Decimal(value)
        # A float has already lost the exact amount, so it is refused, as is bool (an int).
        elif isinstance(value, Decimal | int) and not isinstance(value, bool):
            number = Decimal(value)
            if not number.is_finite():
                return "invalid"
            if self.places is not None and number.as_tuple().exponent < -self.places:  # type: ignore[operator]
                return "places"
        else:
            return "invalid"
        if self.quantum is not None:
            number = number.quantize(self.quantum)
        if self.minimum is not None and number < self.minimum:
            return "minimum"
        if self.maximum is not None and number > self.maximum:
            return "maximum"
        return number

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        number = self.convert(value)
        if isinstance(number, str):
            raise self.make_error(
                number, places=self.places, minimum=self.minimum, maximum=self.maximum
            )
        return number

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


def money(**kwargs: Any) -> StrictDecimal:
    """A non-negative amount in euros with at most two decimals."""
    return StrictDecimal(places=2, quantize=True, **kwargs)


class Code(fields.String):
    """A code that must be a key of ``table`` (species, crops, area types, provinces…)."""

    default_error_messages = {"unknown": "Unknown {what} {code!r}."}

    def __init__(self, table: Mapping[str, Any] | tuple[str, ...], what: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.table = table
        self.what = what

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        code = super()._deserialize(value, attr, data, **kwargs)
        if code not in self.table:
            raise self.make_error("unknown", what=self.what, code=code)
        return code


class MonthDay(fields.Field):
    """A month-day string ``MM-DD`` loaded as a ``(month, day)`` tuple."""

    default_error_messages = {"invalid": "Not a valid month-day (MM-DD)."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> tuple:
        match = _MONTH_DAY.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise self.make_error("invalid")
        month, day = int(match[1]), int(match[2])
        if not (1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]):
            raise self.make_error("invalid")
        return month, day


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into ``{"components[0].amount": [...]}``."""
    if not isinstance(messages, Mapping):
        items = messages if isinstance(messages, list) else [messages]
        return {prefix or "_schema": [str(item) for item in items]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        if key == "_schema":
            path = prefix or "_schema"
        elif isinstance(key, int):
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else str(key)
        for field, texts in flatten_errors(value, path).items():
            flat.setdefault(field, []).extend(texts)
    return flat
