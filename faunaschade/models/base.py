"""Column helpers shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, Enum, Numeric
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from faunaschade.provinces import PROVINCE_CODES

#: Euros with cents; never a float.
Money = Numeric(12, 2, asdecimal=True)
#: Hectares with four decimals (1 m² is 0.0001 ha).
Hectares = Numeric(10, 4, asdecimal=True)


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        # PostgreSQL answers in the session's time zone; normalise so hashes and output agree.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, timezone-aware in UTC."""
    return datetime.now(UTC)


def enum_type(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A VARCHAR with a CHECK constraint holding the enum's values (portable, no native type)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def province_check(column: str) -> CheckConstraint:
    """Only the twelve province codes."""
    codes = ", ".join(f"'{c}'" for c in PROVINCE_CODES)
    return CheckConstraint(f"{column} IN ({codes})", name=f"{column}_is_province")


def non_negative(column: str) -> CheckConstraint:
    """Amounts that can never go below zero."""
    return CheckConstraint(f"{column} >= 0", name=f"{column}_non_negative")


def positive(column: str) -> CheckConstraint:
    """Quantities that must be above zero."""
    return CheckConstraint(f"{column} > 0", name=f"{column}_positive")


class CreatedMixin:
    """Adds created_at."""

    #: When the row was created (UTC).
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, nullable=False)


ZERO = Decimal("0.00")
