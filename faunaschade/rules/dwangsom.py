"""The penalty for a late decision (dwangsom bij niet tijdig beslissen, Awb art. 4:17).

Pure: dates in, a `Penalty` out, every amount and period from ``data/dwangsom.toml`` with its
source. `parse_request` turns one JSON object into a `PenaltyRequest` or raises `CaseError`
naming each bad field (the contract of ``flask rules dwangsom``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from faunaschade.rules.amounts import cents, dutch_date, eur
from faunaschade.rules.errors import CaseError
from faunaschade.rules.model import Sourced

#: In a folder of its own: every TOML file directly in data/ is a province's rule set.
DATA = Path(__file__).with_name("data") / "penalties" / "dwangsom.toml"
#: The dates the service accepts anywhere (as the claims' own dates).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
FIELDS = ("term_ends_on", "notice_received_on", "decided_on", "as_of")


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
    """``data/dwangsom.toml`` does not hold a consistent rule."""


@cache
def penalty_rule(path: Path = DATA) -> PenaltyRule:
    """The rule from its data file, checked: periods consecutive from day 1 to max_days and
    adding up to the stated maximum."""
    with path.open("rb") as handle:
        data = tomllib.load(handle, parse_float=Decimal)["dwangsom"]
    periods = tuple(
        Period(int(p["first_day"]), int(p["last_day"]), Decimal(p["per_day"]), str(p["rule"]))
        for p in data["periods"]
    )
    rule = PenaltyRule(
        source=str(data["source"]),
        confidence=str(data["confidence"]),
        grace_days=int(data["grace_days"]),
        max_days=int(data["max_days"]),
        maximum=Decimal(data["maximum"]),
        periods=periods,
    )
    expected_first = 1
    for period in periods:
        if period.first_day != expected_first or period.last_day < period.first_day:
            raise PenaltyRuleError(f"{path.name}: periods must follow each other from day 1")
        expected_first = period.last_day + 1
    if expected_first - 1 != rule.max_days:
        raise PenaltyRuleError(f"{path.name}: the periods must end at max_days")
    total = sum((p.per_day * (p.last_day - p.first_day + 1) for p in periods), Decimal(0))
    if cents(total) != cents(rule.maximum):
        raise PenaltyRuleError(f"{path.name}: the periods add up to {total}, not {rule.maximum}")
    return rule


def _day(value: Any, field: str, errors: dict[str, list[str]]) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors[field] = ["Geef een datum als tekst, JJJJ-MM-DD."]
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors[field] = [f"Geen geldige datum (JJJJ-MM-DD): {value[:40]!r}."]
        return None
    if len(value) != 10 or not EARLIEST <= day <= LATEST:
        errors[field] = ["Geef een datum JJJJ-MM-DD tussen 2000 en 2099."]
        return None
    return day


def parse_request(data: Any) -> PenaltyRequest:
    """One JSON object as a `PenaltyRequest`; `CaseError` names every bad field at once."""
    if not isinstance(data, dict):
        raise CaseError({"_schema": ["Verwacht een JSON-object."]})
    errors: dict[str, list[str]] = {}
    for field in sorted(set(data) - set(FIELDS)):
        errors[str(field)[:60]] = ["Onbekend veld."]
    days = {field: _day(data.get(field), field, errors) for field in FIELDS}
    for field in ("term_ends_on", "notice_received_on"):
        if data.get(field) is None and field not in errors:
            errors[field] = ["Dit veld is verplicht."]
    if "decided_on" not in data and "decided_on" not in errors:
        errors["decided_on"] = ["Dit veld is verplicht (null zolang er geen besluit is)."]
    if data.get("decided_on") is None and "decided_on" in data:
        if data.get("as_of") is None and "as_of" not in errors:
            errors["as_of"] = ["Verplicht zolang er geen besluit is (decided_on is null)."]
    elif data.get("as_of") is not None and "as_of" not in errors:
        errors["as_of"] = ["Alleen zonder besluit: de dwangsom loopt tot de dag vóór het besluit."]
    if errors:
        raise CaseError(errors)
    return PenaltyRequest(
        term_ends_on=days["term_ends_on"],  # type: ignore[arg-type]
        notice_received_on=days["notice_received_on"],  # type: ignore[arg-type]
        decided_on=days["decided_on"],
        as_of=days["as_of"],
    )


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
