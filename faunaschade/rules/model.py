"""Typed, immutable rule sets and calculation cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from faunaschade.rules.amounts import dutch_day

MonthDay = tuple[int, int]

# SPEC §4.2 step 5, keyed by (has species, has area types): species + area type ranks highest.
_RANKS = {(True, True): 0, (False, True): 1, (True, False): 2, (False, False): 3}
# Rule-set facts a step may name as its rule.
_FACTS = frozenset(
    {
        "beleidsregel",
        "submission",
        "prevention",
        "livestock",
        "leges",
        "leges_refund",
        "minimum_payout",
        "own_risk",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Sourced:
    """Provenance carried by every rule: where it comes from and how sure we are."""

    source: str  #: Reference into DOMAIN.md (section and its sources, e.g. "§4.4; [S28]").
    confidence: str  #: ``confirmed``, ``likely`` or ``assumed``, as DOMAIN.md labels the fact.


@dataclass(frozen=True, slots=True)
class Season:
    """A ``[start, end)`` month-day window that may wrap the new year."""

    start: MonthDay  #: First (month, day) inside the window.
    end: MonthDay  #: First (month, day) after the window.

    def __contains__(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.start < self.end:
            return self.start <= key < self.end
        return key >= self.start or key < self.end

    def __str__(self) -> str:
        return "[{:02d}-{:02d}, {:02d}-{:02d})".format(*self.start, *self.end)


@dataclass(frozen=True, slots=True)
class Beleidsregel(Sourced):
    """The province's policy rule that a decision under this rule set cites."""

    title: str  #: As published: "Beleidsregel tegemoetkoming faunaschade Gelderland 2024".
    reference: str | None  #: Publication reference (CVDR…, prb-…); None when unknown.


@dataclass(frozen=True, slots=True)
class Amount(Sourced):
    """A fixed amount: leges, minimum payout."""

    amount: Decimal  #: Euros, two decimals.


@dataclass(frozen=True, slots=True)
class LegesRefund(Sourced):
    """When the leges are paid back (SPEC §4.2 step 10)."""

    policy: str  #: never | if_granted | if_granted_or_species | if_admissible.
    species: frozenset[str]  #: Species that earn a refund under ``if_granted_or_species``.


@dataclass(frozen=True, slots=True)
class OwnRiskRule(Sourced):
    """An own-risk rate (and optional supplement) for a species and/or area type."""

    id: str  #: Stable identifier, unique within the rule set; shown as the step's rule.
    species: frozenset[str] | None  #: Species it applies to; None = any.
    area_types: frozenset[str] | None  #: Area types it applies to; None = any.
    season: Season | None  #: Window (on the discovery date) outside which it does not match.
    rate: Decimal  #: Own-risk fraction, 0 ≤ rate ≤ 1 (0.05 = 5 %).
    supplement_per_ha: Decimal | None  #: Euros per damaged hectare added on top; None = none.
    rank: int = field(init=False)  #: 0 species + area, 1 area, 2 species, 3 the default.

    def __post_init__(self) -> None:
        rank = _RANKS[self.species is not None, self.area_types is not None]
        object.__setattr__(self, "rank", rank)

    def matches(self, species: str, area_type: str, day: date) -> bool:
        """True when this rule applies to the component on the discovery date."""
        return (
            (self.species is None or species in self.species)
            and (self.area_types is None or area_type in self.area_types)
            and (self.season is None or day in self.season)
        )


@dataclass(frozen=True, slots=True)
class OwnRisk(Sourced):
    """The default own risk, its minimum, and the rules that deviate from it."""

    rate: Decimal  #: Default fraction (0.05).
    minimum: Decimal  #: Minimum m of SPEC §4.2 step 5, in euros.
    scope: str  #: ``per_claim`` or ``per_farm_year`` (DOMAIN §5.1: not confirmed).
    scope_source: Sourced  #: Provenance of ``scope``.
    rules: tuple[OwnRiskRule, ...]  #: Ordered by rank; the province's rules first within a rank.
    default: OwnRiskRule  #: The default as a rule that always matches (rank 3).


@dataclass(frozen=True, slots=True)
class Exclusion(Sourced):
    """Species not compensated in this province (within ``season`` when given)."""

    id: str  #: Stable identifier, unique within the rule set.
    species: frozenset[str]  #: The species excluded.
    season: Season | None  #: Window on the discovery date; None = all year.
    reason: str  #: Dutch wording for the letter, e.g. "landelijke vrijstellingslijst".


@dataclass(frozen=True, slots=True)
class Submission(Sourced):
    """The submission deadline of a crop claim (SPEC §4.2 step 1)."""

    working_days: int  #: Working days after discovery (7).


@dataclass(frozen=True, slots=True)
class Prevention(Sourced):
    """Preventive measures required for crop claims (SPEC §4.2 step 3)."""

    required: tuple[str, ...]  #: Measure kinds of which at least one each is needed.
    exempt_crops: frozenset[str]  #: Crops where no measures are required.


@dataclass(frozen=True, slots=True)
class Livestock(Sourced):
    """The wolf and golden-jackal procedure (DOMAIN §7)."""

    report_hours: int  #: Hours after discovery within which damage must be reported.
    accepted_findings: frozenset[str]  #: Wolf findings that count as caused by the predator.
    leges: Decimal  #: Leges for livestock claims (none).


@dataclass(frozen=True, slots=True)
class RuleSet:
    """All rules of one province for one validity period."""

    province: str  #: Two-letter province code.
    version: str  #: Version string reported with every result (``NH-2023-11-01.1``).
    valid_from: date  #: First day covered (discovery date).
    valid_until: date | None  #: Last day covered; None = open-ended.
    file: str  #: Name of the data file it was read from.
    beleidsregel: Beleidsregel  #: Policy rule cited in the decision letter.
    submission: Submission  #: Deadline of a crop claim.
    prevention: Prevention  #: Preventive measures rule.
    livestock: Livestock  #: Wolf procedure rules.
    leges: Amount  #: Leges of a crop claim.
    leges_refund: LegesRefund  #: Refund policy.
    minimum_payout: Amount  #: Compensations below this are not paid.
    own_risk: OwnRisk  #: Own-risk default, minimum and rules.
    not_compensated: tuple[Exclusion, ...]  #: Species not compensated (the province's first).
    compensated: tuple[str, ...]  #: Species the province opened after all (for display).
    compensated_source: Sourced | None  #: Provenance of ``compensated``.
    #: Lookup tables compiled from the rules on first use (``compiled.tables``); not compared.
    tables: Any = field(default=None, init=False, repr=False, compare=False)

    def covers(self, day: date) -> bool:
        """True when ``day`` lies in the validity period."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def own_risk_rule(self, species: str, area_type: str, day: date) -> OwnRiskRule:
        """The highest-ranking own-risk rule matching the component (SPEC §4.2 step 5)."""
        for rule in self.own_risk.rules:
            if rule.matches(species, area_type, day):
                return rule
        return self.own_risk.default

    def provenance(self, rule: str) -> Sourced:
        """Source and confidence of a step's ``rule`` (``leges``, ``own_risk:<id>``…)."""
        kind, _, ident = rule.partition(":")
        candidates: tuple[OwnRiskRule | Exclusion, ...] = ()
        if kind in _FACTS and not ident:
            fact: Sourced = getattr(self, kind)
            return Sourced(source=fact.source, confidence=fact.confidence)
        if kind == "own_risk":
            candidates = (*self.own_risk.rules, self.own_risk.default)
        elif kind == "not_compensated":
            candidates = self.not_compensated
        for candidate in candidates:
            if candidate.id == ident:
                return Sourced(source=candidate.source, confidence=candidate.confidence)
        raise KeyError(f"{self.version} has no rule {rule!r}")

    def exclusion(self, species: str, day: date) -> Exclusion | None:
        """The rule that makes ``species`` not compensated on ``day``, if any."""
        for rule in self.not_compensated:
            if species in rule.species and (rule.season is None or day in rule.season):
                return rule
        return None


@dataclass(frozen=True, slots=True)
class CropComponent:
    """Assessed crop damage of one species in one area type."""

    species: str  #: Species code.
    area_type: str  #: Area type code.
    assessed_damage: Decimal  #: Euros, two decimals.
    damaged_area_ha: Decimal  #: Damaged hectares (for supplements).
    harvested_before_assessment: bool  #: Harvested or grazed before the assessment.


@dataclass(frozen=True, slots=True)
class Item:
    """One cost line of a livestock component."""

    type: str  #: animal_value | vet_costs | abortion | carcass_removal.
    animal: str  #: The animal's label within the claim (``ooi-1``).
    amount: Decimal  #: Euros, two decimals.
    animal_value: Decimal | None  #: Injured animal's taxation value: the cap on its vet costs.


@dataclass(frozen=True, slots=True)
class LivestockComponent:
    """Livestock damage by one predator species."""

    species: str  #: ``wolf`` or ``goudjakhals``.
    area_type: str  #: Area type code.
    items: tuple[Item, ...]  #: Cost lines.


@dataclass(frozen=True, slots=True)
class CropCase:
    """Input of a crop calculation (SPEC §4.4)."""

    province: str  #: Two-letter province code.
    crop: str  #: Crop code.
    discovered_on: date  #: Day the damage was discovered; chooses the rule set.
    submitted_on: date  #: Day the claim was submitted.
    preventive_measures: frozenset[str]  #: Measure kinds in place (acoustic, visual…).
    components: tuple[CropComponent, ...]  #: One per species × area type.
    reduction_pct: Decimal  #: Officer's reduction, 0-100.
    own_risk_borne_this_year: Decimal  #: Own risk the farm already bore this damage year.
    kind: str = "crop"  #: Claim kind.
    leges_exempt: bool = False  #: No leges were due (an autotax claim has no application).


@dataclass(frozen=True, slots=True)
class LivestockCase:
    """Input of a livestock calculation (SPEC §4.4)."""

    province: str  #: Two-letter province code.
    discovered_at: datetime  #: Moment the damage was discovered.
    reported_at: datetime  #: Moment it was reported.
    wolf_finding: str  #: certain | probable | dog | fox | unknown.
    components: tuple[LivestockComponent, ...]  #: One per species × area type.
    reduction_pct: Decimal  #: Officer's reduction, 0-100.
    own_risk_borne_this_year: Decimal  #: Own risk the farm already bore this damage year.
    kind: str = "livestock"  #: Claim kind.

    @property
    def discovered_on(self) -> date:
        """Dutch calendar day of the discovery; chooses the rule set and the season."""
        return dutch_day(self.discovered_at)


Case = CropCase | LivestockCase
