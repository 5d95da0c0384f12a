"""Column and constraint helpers shared by the models, and the row lock of the use cases."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import CheckConstraint, DateTime, Enum, Index, Numeric, select, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from faunaschade.extensions import db
from faunaschade.provinces import PROVINCE_CODES

Row = TypeVar("Row")

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


def unique_where(name: str, column: str, condition: str) -> Index:
    """At most one row per `column` among the rows matching `condition` (a partial index, the
    same on PostgreSQL and SQLite)."""
    where = text(condition)
    return Index(name, column, unique=True, postgresql_where=where, sqlite_where=where)


def locked(model: type[Row], ident: Any) -> Row | None:
    """The row re-read under a row lock (None when it does not exist).

    The lock is held until the transaction ends; the object is refreshed from what the last
    transaction committed, not what this session read earlier (populate_existing, applied as
    the row is fetched). FOR NO KEY UPDATE (key_share): rows that reference this one (audit
    events, letters) can still be inserted meanwhile; FOR UPDATE would block their
    foreign-key check (the audit sealer, a letter job). SQLite ignores row locks; it lets one
    writer in at a time.
    """
    return db.session.execute(
        select(model)
        .where(model.id == ident)  # type: ignore[attr-defined]
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


class CreatedMixin:
    """Adds created_at."""

    #: When the row was created (UTC).
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, nullable=False)


ZERO = Decimal("0.00")
