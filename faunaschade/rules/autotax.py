"""Autotax as data: the provinces that run it, their registration deadline and reference day, and
the versioned table of euros per hectare (crop × province × period).

Pure: read from ``data/autotax/*.toml`` (one file per version, each covering damage years from
``first_damage_year`` up to the next version's), checked with marshmallow as the rule sets are;
an invalid file or two versions for one damage year fail naming the file and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from faunaschade.provinces import PROVINCE_CODES
from faunaschade.rules.catalogue import CROPS, SPECIES
from faunaschade.rules.errors import RulesError, RuleSetError
from faunaschade.rules.fields import MonthDay, flatten_errors
from faunaschade.rules.model import Season
from faunaschade.rules.schemas import SeasonSchema, SourcedSchema

#: In a folder of its own: every TOML file directly in data/ is a province's rule set.
AUTOTAX_DIR = Path(__file__).with_name("data") / "autotax"
#: The kinds of area (map layers) autotax may cover.
AREA_KINDS = ("foerageergebied", "rustgebied", "natura2000", "buffer")
#: A hectare's amount above this is a typing error in the table.
MAX_PER_HA = Decimal("100000.00")


class AutotaxError(RulesError, LookupError):
    """No table, province or rate for what was asked; the message names it (in Dutch)."""


@dataclass(frozen=True, slots=True)
class Period:
    """A part of the goose season with its own rates."""

    code: str  #: winter, voorjaar, …
    name: str  #: Dutch, as a page or letter shows it.
    season: Season  #: [start, end) month-days.
    source: str
    confidence: str


@dataclass(frozen=True, slots=True)
class ProvinceTerms:
    """How one province runs autotax."""

    province: str  #: Two-letter code.
    registration_deadline: tuple[int, int]  #: (month, day): register on or before it.
    reference_day: tuple[int, int]  #: (month, day): the parcels are laid over the map on it.
    area_types: tuple[str, ...]  #: The kinds of area autotax covers there.
    species: str  #: The species an automatic assessment names (geese).
    source: str
    confidence: str

    def deadline(self, damage_year: int) -> date:
        """The last day to register for `damage_year` (which starts on 1 November before it)."""
        return _day_in(damage_year, self.registration_deadline)

    def reference_on(self, damage_year: int) -> date:
        """The season's day on which the parcels are classified (and the claims discovered)."""
        return _day_in(damage_year, self.reference_day)


@dataclass(frozen=True, slots=True)
class AutotaxTable:
    """One version of the autotax data."""

    version: str  #: e.g. AUTOTAX-2025.1.
    first_damage_year: int  #: First damage year covered.
    illustrative: bool  #: True while the amounts are examples, not the province's.
    source: str
    confidence: str
    periods: tuple[Period, ...]
    provinces: dict[str, ProvinceTerms]
    rates: dict[tuple[str, str, str], Decimal]  #: (province, crop, period) → euros per ha.

    def terms(self, province: str) -> ProvinceTerms:
        """The province's terms; AutotaxError when it does not run autotax under this table."""
        if province not in self.provinces:
            raise AutotaxError(f"{province} doet in {self.version} niet mee aan autotax")
        return self.provinces[province]

    def period_on(self, day: date) -> Period:
        """The period `day` falls in."""
        for period in self.periods:
            if day in period.season:
                return period
        raise AutotaxError(f"{self.version}: geen periode voor {day.isoformat()}")

    def rate(self, province: str, crop: str, period: str) -> Decimal | None:
        """Euros per hectare, or None when the table has no rate for that crop there."""
        return self.rates.get((province, crop, period))


def _day_in(damage_year: int, month_day: tuple[int, int]) -> date:
    month, day = month_day
    return date(damage_year - 1 if month >= 11 else damage_year, month, day)


class _PeriodSchema(SourcedSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]{1,20}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    season = fields.Nested(SeasonSchema, required=True)


class _ProvinceSchema(SourcedSchema):
    province = fields.String(required=True, validate=validate.OneOf(PROVINCE_CODES))
    registration_deadline = MonthDay(required=True)
    reference_day = MonthDay(required=True)
    area_types = fields.List(
        fields.String(validate=validate.OneOf(AREA_KINDS)),
        required=True,
        validate=validate.Length(min=1),
    )
    species = fields.String(required=True, validate=validate.OneOf(list(SPECIES)))


class _RateSchema(Schema):
    province = fields.String(required=True, validate=validate.OneOf(PROVINCE_CODES))
    crop = fields.String(required=True, validate=validate.OneOf(list(CROPS)))
    period = fields.String(required=True)
    eur_per_ha = fields.Decimal(
        required=True, places=2, validate=validate.Range(min=0, max=MAX_PER_HA)
    )


class _TableSchema(SourcedSchema):
    version = fields.String(required=True, validate=validate.Length(min=1, max=40))
    first_damage_year = fields.Integer(
        required=True, strict=True, validate=validate.Range(2000, 2099)
    )
    illustrative = fields.Boolean(required=True)
    periods = fields.List(fields.Nested(_PeriodSchema), required=True, validate=validate.Length(1))
    provinces = fields.List(
        fields.Nested(_ProvinceSchema), required=True, validate=validate.Length(1)
    )
    rates = fields.List(fields.Nested(_RateSchema), required=True, validate=validate.Length(1))

    @validates_schema
    def _consistent(self, data: dict, **kwargs: Any) -> None:
        codes = [p["code"] for p in data.get("periods", [])]
        if len(set(codes)) != len(codes):
            raise ValidationError("A period code twice.", "periods")
        seasons = [Season(**p["season"]) for p in data.get("periods", [])]
        provinces = [p["province"] for p in data.get("provinces", [])]
        if len(set(provinces)) != len(provinces):
            raise ValidationError("A province twice.", "provinces")
        for i, terms in enumerate(data.get("provinces", [])):
            month, day = terms["reference_day"]
            if not any(date(2001 if month < 11 else 2000, month, day) in s for s in seasons):
                raise ValidationError({i: {"reference_day": ["Lies in no period."]}}, "provinces")
        seen: set[tuple[str, str, str]] = set()
        for i, rate in enumerate(data.get("rates", [])):
            key = (rate["province"], rate["crop"], rate["period"])
            problem = (
                "Not a province of this table."
                if rate["province"] not in provinces
                else "Not a period of this table."
                if rate["period"] not in codes
                else "The same province, crop and period twice."
                if key in seen
                else None
            )
            if problem:
                raise ValidationError({i: [problem]}, "rates")
            seen.add(key)


def _load(path: Path) -> AutotaxTable:
    try:
        with path.open("rb") as handle:
            data = _TableSchema().load(tomllib.load(handle, parse_float=Decimal))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        detail = (
            "; ".join(f"{k}: {' '.join(v)}" for k, v in flatten_errors(exc.messages).items())
            if isinstance(exc, ValidationError)
            else str(exc)
        )
        raise RuleSetError(f"{path.name}: {detail}") from None
    return AutotaxTable(
        version=data["version"],
        first_damage_year=data["first_damage_year"],
        illustrative=data["illustrative"],
        source=data["source"],
        confidence=data["confidence"],
        periods=tuple(
            Period(p["code"], p["name"], Season(**p["season"]), p["source"], p["confidence"])
            for p in data["periods"]
        ),
        provinces={
            p["province"]: ProvinceTerms(
                p["province"],
                p["registration_deadline"],
                p["reference_day"],
                tuple(p["area_types"]),
                p["species"],
                p["source"],
                p["confidence"],
            )
            for p in data["provinces"]
        },
        rates={(r["province"], r["crop"], r["period"]): r["eur_per_ha"] for r in data["rates"]},
    )


def load_tables(directory: Path = AUTOTAX_DIR) -> tuple[AutotaxTable, ...]:
    """Every version in the folder, checked, oldest first; two for one first year is an error."""
    tables = sorted((_load(path) for path in sorted(directory.glob("*.toml"))), key=_first)
    for older, newer in pairwise(tables):
        if older.first_damage_year == newer.first_damage_year:
            raise RuleSetError(
                f"{newer.version}: first_damage_year {newer.first_damage_year} is already "
                f"covered by {older.version}"
            )
    return tuple(tables)


def _first(table: AutotaxTable) -> int:
    return table.first_damage_year


@cache
def _tables() -> tuple[AutotaxTable, ...]:
    return load_tables()


def table_for(damage_year: int) -> AutotaxTable:
    """The version covering the damage year; AutotaxError when none does."""
    for table in reversed(_tables()):
        if table.first_damage_year <= damage_year:
            return table
    raise AutotaxError(f"geen autotaxtabel voor schadejaar {damage_year}")


def terms_for(province: str, damage_year: int) -> ProvinceTerms | None:
    """How the province runs autotax in that damage year, or None when it does not."""
    try:
        return table_for(damage_year).terms(province)
    except AutotaxError:
        return None


def running_provinces(damage_year: int) -> list[str]:
    """The provinces that run autotax in that damage year, in the table's order."""
    try:
        return list(table_for(damage_year).provinces)
    except AutotaxError:
        return []
