"""A rule set compiled once into lookup tables, so that a calculation does dict lookups.

What a rule set says about a component depends on its species, its area type and the season of
the discovery day. The seasons of a rule set cut the year into a few *segments* in which every
season is either in force or not; a segment keeps, per species × area type, the own-risk rule,
the exclusion and the fixed parts of the component's Dutch lines. A *day* keeps its deadline and
its segment. Both fill on first use, so compiling costs nothing for rules never asked for.
``tables(rule_set)`` builds them once per rule set and keeps them on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from faunaschade.rules import wording
from faunaschade.rules.amounts import ZERO, eur
from faunaschade.rules.calendar import add_working_days

if TYPE_CHECKING:
    from faunaschade.rules.model import Exclusion, OwnRiskRule, RuleSet

# Every month-day of the year, 29 February included, as days of a leap year.
_LEAP_YEAR = [date(2024, 1, 1) + timedelta(days=n) for n in range(366)]


@dataclass(frozen=True, slots=True)
class Part:
    """What a rule set makes of one species × area type in one segment of the year."""

    exclusion: Exclusion | None  #: Why the species is not compensated; None when it is.
    excluded_rule: str | None  #: ``not_compensated:<id>``, the step's rule when excluded.
    excluded_suffix: str  #: Wording after the assessed damage of an excluded component.
    label: str  #: ``Grauwe gans in ganzenrustgebied``.
    rule: OwnRiskRule  #: The own-risk rule that applies.
    rate: Decimal  #: Its rate.
    rule_ref: str  #: ``own_risk:<id>``, the rule of its own-risk and supplement steps.
    counted: str  #: The counted component's line up to its hectares.
    own_risk: str  #: Its own-risk line up to its damage.
    supplement_per_ha: Decimal | None  #: Supplement per hectare, if the rule has one.
    supplement: str  #: Its supplement line up to the hectares ("" without a supplement).


class Segment:
    """The parts of a stretch of the year in which the same seasons are in force."""

    __slots__ = ("_day", "_rule_set", "parts")

    def __init__(self, rule_set: RuleSet, day: date) -> None:
        self._rule_set = rule_set
        self._day = day  # any day of the segment answers for all of them
        #: (species, area type) → Part, filled on first use.
        self.parts: dict[tuple[str, str], Part] = {}

    def part(self, species: str, area_type: str) -> Part:
        """The part of a species × area type (compiled on first use)."""
        found = self.parts.get((species, area_type))
        if found is None:
            found = self.parts[species, area_type] = self._compile(species, area_type)
        return found

    def _compile(self, species: str, area_type: str) -> Part:
        exclusion = self._rule_set.exclusion(species, self._day)
        rule = self._rule_set.own_risk_rule(species, area_type, self._day)
        per_ha = rule.supplement_per_ha
        return Part(
            exclusion=exclusion,
            excluded_rule=f"not_compensated:{exclusion.id}" if exclusion else None,
            excluded_suffix=wording.excluded_suffix(exclusion),
            label=wording.component(species, area_type),
            rule=rule,
            rate=rule.rate,
            rule_ref=f"own_risk:{rule.id}",
            counted=wording.crop_part_prefix(species, area_type),
            own_risk=wording.own_risk_part_prefix(species, area_type, rule),
            supplement_per_ha=per_ha,
            supplement=""
            if per_ha is None
            else wording.supplement_prefix(per_ha, species, area_type),
        )


@dataclass(frozen=True, slots=True)
class Day:
    """What a discovery day means under a rule set: its segment, the crop deadline and wording."""

    segment: Segment  #: The components' rules on this day.
    deadline: date  #: Last day to submit a crop claim discovered on this day.
    deadline_suffix: str  #: The deadline line after the submission day.


class Compiled:
    """Lookup tables of one rule set (see the module's docstring)."""

    def __init__(self, rule_set: RuleSet) -> None:
        self.rule_set = rule_set
        seasons = [r.season for r in rule_set.own_risk.rules if r.season is not None]
        seasons += [e.season for e in rule_set.not_compensated if e.season is not None]
        segments: dict[tuple[bool, ...], Segment] = {}
        #: (month, day) → Segment.
        self.segments: dict[tuple[int, int], Segment] = {}
        for day in _LEAP_YEAR:
            key = tuple(day in season for season in seasons)
            segment = segments.get(key) or segments.setdefault(key, Segment(rule_set, day))
            self.segments[day.month, day.day] = segment
        self._days: dict[date, Day] = {}
        self.working_days = rule_set.submission.working_days
        policy = rule_set.leges_refund
        #: (leges paid, refunded) → the leges-refund line.
        self.refund_text = {
            (paid, refunded): wording.leges_refund(
                Decimal(paid), refunded, policy.policy, policy.species
            )
            for paid in (False, True)
            for refunded in (False, True)
        }
        minimum = rule_set.minimum_payout.amount
        self.minimum_payout = minimum
        #: Payout line by (eligible, compensation below the minimum).
        self.payout_text = {
            (eligible, below): wording.payout(ZERO if below else minimum, minimum, eligible)
            for eligible in (False, True)
            for below in (False, True)
        }
        self.minimum_text = eur(rule_set.own_risk.minimum)
        #: (crop, measures in place) → (measures missing, prevention line).
        self._prevention: dict[tuple[str, frozenset[str]], tuple[bool, str]] = {}

    def day(self, day: date) -> Day:
        """The day's tables (compiled on first use)."""
        found = self._days.get(day)
        if found is None:
            deadline = add_working_days(day, self.working_days)
            found = self._days[day] = Day(
                segment=self.segments[day.month, day.day],
                deadline=deadline,
                deadline_suffix=wording.crop_deadline_suffix(day, deadline, self.working_days),
            )
        return found

    def prevention(self, crop: str, measures: frozenset[str]) -> tuple[bool, str]:
        """Whether required measures are missing, and the prevention line."""
        key = (crop, measures)
        found = self._prevention.get(key)
        if found is None:
            prevention = self.rule_set.prevention
            exempt = crop in prevention.exempt_crops
            missing = [] if exempt else [m for m in prevention.required if m not in measures]
            text = wording.prevention(crop, prevention.required, missing, exempt)
            found = self._prevention[key] = (bool(missing), text)
        return found


def tables(rule_set: RuleSet) -> Compiled:
    """The rule set's lookup tables, compiled on first use and kept on the rule set."""
    found = rule_set.tables
    if found is None:
        found = Compiled(rule_set)
        object.__setattr__(rule_set, "tables", found)  # a cache, not a rule: frozen still holds
    return found
