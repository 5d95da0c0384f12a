"""Versioned livestock price tables: the taxation value of an animal (DOMAIN §7)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from faunaschade.rules.catalogue import ANIMAL_KINDS
from faunaschade.rules.errors import RulesError, RuleSetError
from faunaschade.rules.fields import flatten_errors

PRICES_DIR = Path(__file__).with_name("data") / "prices"


class PriceError(RulesError, LookupError):
    """No price for this animal in the table in force; names what was asked."""


class _PriceSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(ANIMAL_KINDS)))
    breed_group = fields.String(required=True, validate=validate.Length(min=1, max=40))
    sex = fields.String(required=True, validate=validate.OneOf(["female", "male"]))
    age_class = fields.String(required=True, validate=validate.Length(min=1, max=20))
    pregnant = fields.Boolean(required=True)
    value = fields.Decimal(required=True, places=2, validate=validate.Range(min=0))


class _TableSchema(Schema):
    version = fields.String(required=True)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(load_default=None)
    illustrative = fields.Boolean(load_default=False)
    source = fields.String(required=True)
    confidence = fields.String(
        required=True, validate=validate.OneOf(["confirmed", "likely", "assumed"])
    )
    prices = fields.List(
        fields.Nested(_PriceSchema), required=True, validate=validate.Length(min=1)
    )


Key = tuple[str, str, str, str, bool]


@dataclass(frozen=True)
class PriceTable:
    """One version of the price table."""

    version: str  #: e.g. LIVESTOCK-2023-08-01.1.
    valid_from: date  #: First day of death covered.
    valid_until: date | None  #: Last day covered; None = open-ended.
    illustrative: bool  #: True while the amounts are examples, not the published ones.
    source: str  #: Provenance (DOMAIN.md section and sources).
    confidence: str  #: confirmed, likely or assumed.
    values: dict[Key, Decimal]  #: (kind, breed group, sex, age class, pregnant) → value.

    def value(
        self, kind: str, breed_group: str, sex: str, age_class: str, pregnant: bool = False
    ) -> Decimal:
        """The taxation value of one animal; PriceError when the table has no such row."""
        key = (kind, breed_group, sex, age_class, pregnant)
        if key not in self.values:
            raise PriceError(
                f"{self.version}: geen prijs voor {kind}, rasgroep {breed_group}, {sex}, "
                f"{age_class}{', drachtig' if pregnant else ''}"
            )
        return self.values[key]

    def options(self, kind: str) -> dict[str, list[Any]]:
        """The breed groups, sexes and age classes this table knows for a kind."""
        rows = [key for key in self.values if key[0] == kind]
        return {
            name: sorted({row[i] for row in rows}, key=str)
            for i, name in enumerate(("kind", "breed_group", "sex", "age_class", "pregnant"))
        }


def load_tables(directory: Path = PRICES_DIR) -> list[PriceTable]:
    """Every price table in the directory, validated, oldest first."""
    tables = []
    for path in sorted(directory.glob("*.toml")):
        try:
            data = _TableSchema().load(tomllib.loads(path.read_text()))
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            detail = (
                "; ".join(f"{k}: {' '.join(v)}" for k, v in flatten_errors(exc.messages).items())
                if isinstance(exc, ValidationError)
                else str(exc)
            )
            raise RuleSetError(f"{path.name}: {detail}") from None
        values: dict[Key, Decimal] = {}
        for i, row in enumerate(data["prices"]):
            key = (row["kind"], row["breed_group"], row["sex"], row["age_class"], row["pregnant"])
            if key in values:
                raise RuleSetError(f"{path.name}: prices[{i}]: the same animal twice")
            values[key] = row["value"]
        tables.append(
            PriceTable(
                data["version"],
                data["valid_from"],
                data["valid_until"],
                data["illustrative"],
                data["source"],
                data["confidence"],
                values,
            )
        )
    tables.sort(key=lambda t: t.valid_from)
    return tables


@cache
def _tables() -> tuple[PriceTable, ...]:
    return tuple(load_tables())


def price_table_for(on: date) -> PriceTable:
    """The table in force on the day the animal died."""
    for table in reversed(_tables()):
        if table.valid_from <= on and (table.valid_until is None or on <= table.valid_until):
            return table
    raise PriceError(f"geen prijstabel voor {on.isoformat()}")
