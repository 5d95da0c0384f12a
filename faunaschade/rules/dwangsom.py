"""The penalty for a late decision (dwangsom bij niet tijdig beslissen, Awb art. 4:17).

Pure: dates in, a `Penalty` out, every amount and period from ``data/penalties/dwangsom.toml``
with its source, loaded and checked with marshmallow as the rule sets are. `parse_request` turns
one JSON object into a `PenaltyRequest` or raises `CaseError` naming each bad field, as
`parse_case` does (the contract of ``flask rules dwangsom``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from faunaschade.rules.amounts import cents, dutch_date, eur
from faunaschade.rules.errors import CaseError
from faunaschade.rules.fields import flatten_errors, money
from faunaschade.rules.model import Sourced
from faunaschade.rules.schemas import SourcedSchema

#: In a folder of its own: every TOML file directly in data/ is a province's rule set.
DATA = Path(__file__).with_name("data") / "penalties" / "dwangsom.toml"


@dataclass(frozen=True, slots=True)
class Period:
    """Days `first_day`..`last_day` (1-based, counted from the first penalty day) at a rate."""

    first_day: int  #: First day of the period (1 = the first penalty day).
    last_day: int  #: Last day of the period, inclusive.
    per_day: Decimal  #: Euros per calendar day.
    rule: str  #: The legal rule, as printed.


@dataclass(frozen=True, slots=True)
class PenaltyRule(Sourced):
    """Awb 4:17 as data."""

    grace_days: int  #: Days after the notice's receipt before the penalty runs.
    max_days: int  #: At most this many penalty days.
    maximum: Decimal  #: The highest total, a check on the periods.
    periods: tuple[Period, ...]  #: The rates, in order.


@dataclass(frozen=True, slots=True)
class PenaltyRequest:
    """One question: the term, the notice and the decision's date (or the day asked about)."""

    term_ends_on: date  #: Last day of the decision term (backstop, extended, suspended).
    notice_received_on: date  #: Day the notice of default was received.
    decided_on: date | None  #: Date of the decision; None while undecided.
    as_of: date | None  #: Undecided: the day up to and including which the penalty ran.


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the explanation."""

    code: str  #: Machine code of the step.
    description: str  #: Dutch text.
    amount: Decimal | None  #: Euros, where the step adds any.
    rule: str | None  #: The rule applied.


@dataclass(frozen=True, slots=True)
class Penalty:
    """The answer: premature or not, from which day, for how many days, how much, and why."""

    premature: bool  #: The notice came before the term had passed: no penalty.
    first_day: date | None  #: First penalty day F (None when premature).
    days: int  #: Penalty days counted (0..max_days).
    amount: Decimal  #: Euros, two decimals.
    steps: tuple[Step, ...]  #: The explanation, in order.

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``flask rules dwangsom``."""
        return {
            "premature": self.premature,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "days": self.days,
            "amount": f"{self.amount:.2f}",
            "steps": [
                {
                    "code": s.code,
                    "description": s.description,
                    "amount": None if s.amount is None else f"{s.amount:.2f}",
                    "rule": s.rule,
                }
                for s in self.steps
            ],
        }


class PenaltyRuleError(ValueError):
    """``data/penalties/dwangsom.toml`` does not hold a consistent rule."""


class _PeriodSchema(Schema):
    first_day = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    last_day = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    per_day = money(required=True)
    rule = fields.String(required=True, validate=validate.Length(min=1))

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> Period:
        return Period(**data)


class _PenaltyRuleSchema(SourcedSchema):
    grace_days = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    max_days = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    maximum = money(required=True)
    periods = fields.List(fields.Nested(_PeriodSchema), required=True)

    @validates_schema
    def _consistent(self, data: dict, **kwargs: Any) -> None:
        """Periods follow each other from day 1 to max_days and add up to the maximum."""
        periods: list[Period] = data["periods"]
        expected_first = 1
        for period in periods:
            if period.first_day != expected_first or period.last_day < period.first_day:
                raise ValidationError("The periods must follow each other from day 1.", "periods")
            expected_first = period.last_day + 1
        if expected_first - 1 != data["max_days"]:
            raise ValidationError("The periods must end at max_days.", "periods")
        total = sum((p.per_day * (p.last_day - p.first_day + 1) for p in periods), Decimal(0))
        if cents(total) != data["maximum"]:
            raise ValidationError(f"The periods add up to {total}, not the maximum.", "maximum")

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> PenaltyRule:
        return PenaltyRule(**{**data, "periods": tuple(data["periods"])})


@cache
def penalty_rule(path: Path = DATA) -> PenaltyRule:
    """The rule from its data file, checked as the rule sets are (marshmallow, named fields)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle, parse_float=Decimal)
    try:
        return _PenaltyRuleSchema().load(data.get("dwangsom"))  # type: ignore[return-value]
    except ValidationError as error:
        problems = flatten_errors(error.messages)
        detail = "; ".join(f"{field}: {' '.join(texts)}" for field, texts in problems.items())
        raise PenaltyRuleError(f"{path.name}: {detail}") from None


#: The dates the service accepts anywhere (as the claims' own dates).
_SANE_DAY = validate.Range(date(2000, 1, 1), date(2099, 12, 31), error="Use a date in 2000-2099.")


class _Day(fields.Date):
    """A date written exactly YYYY-MM-DD (not the other spellings ISO 8601 allows)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not _DAY.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class _PenaltyRequestSchema(Schema):
    term_ends_on = _Day(required=True, validate=_SANE_DAY)
    notice_received_on = _Day(required=True, validate=_SANE_DAY)
    decided_on = _Day(required=True, allow_none=True, validate=_SANE_DAY)
    as_of = _Day(load_default=None, validate=_SANE_DAY)

    @validates_schema
    def _as_of_while_undecided(self, data: dict, **kwargs: Any) -> None:
        if data["decided_on"] is None and data["as_of"] is None:
            raise ValidationError("Required while undecided (decided_on is null).", "as_of")
        if data["decided_on"] is not None and data["as_of"] is not None:
            raise ValidationError(
                "Only while undecided: a decision ends the penalty the day before it.", "as_of"
            )

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> PenaltyRequest:
        return PenaltyRequest(**data)


def parse_request(data: Any) -> PenaltyRequest:
    """One JSON object as a `PenaltyRequest`; `CaseError` names every bad field."""
    if not isinstance(data, dict):
        raise CaseError({"_schema": ["A question must be a JSON object."]})
    try:
        return _PenaltyRequestSchema().load(data)  # type: ignore[return-value]
    except ValidationError as error:
        raise CaseError(flatten_errors(error.messages)) from None


def calculate(request: PenaltyRequest, rule: PenaltyRule | None = None) -> Penalty:
    """The penalty for one request under the rule (Awb 4:17)."""
    rule = rule or penalty_rule()
    received = request.notice_received_on
    if received <= request.term_ends_on:
        text = (
            f"Ingebrekestelling ontvangen op {dutch_date(received)}, vóór het einde van de "
            f"beslistermijn ({dutch_date(request.term_ends_on)}): voorbarig, geen dwangsom."
        )
        step = Step("voorbarig", text, Decimal("0.00"), "Awb art. 4:17 lid 1")
        return Penalty(True, None, 0, Decimal("0.00"), (step,))
    first = received + timedelta(days=rule.grace_days + 1)
    if request.decided_on is not None:
        last, until = request.decided_on - timedelta(days=1), "de dag vóór het besluit"
    else:
        last, until = request.as_of, "de gevraagde dag"  # type: ignore[assignment]
    days = max(0, min(rule.max_days, (last - first).days + 1))
    steps = [
        Step(
            "ingebrekestelling",
            f"Ingebrekestelling ontvangen op {dutch_date(received)}, na het einde van de "
            f"beslistermijn ({dutch_date(request.term_ends_on)}); de dwangsom loopt vanaf "
            f"{dutch_date(first)} (twee weken na ontvangst) tot en met {until}.",
            None,
            "Awb art. 4:17 lid 3",
        )
    ]
    total = Decimal("0.00")
    for period in rule.periods:
        counted = max(0, min(days, period.last_day) - period.first_day + 1)
        if not counted:
            continue
        amount = cents(period.per_day * counted)
        total += amount
        steps.append(
            Step(
                f"dagen_{period.first_day}_{period.last_day}",
                f"{counted} {'dag' if counted == 1 else 'dagen'} × {eur(period.per_day)}",
                amount,
                period.rule,
            )
        )
    if days == rule.max_days:
        steps.append(
            Step("maximum", f"Ten hoogste {rule.max_days} dagen.", None, "Awb art. 4:17 lid 2")
        )
    return Penalty(False, first, days, cents(total), tuple(steps))
