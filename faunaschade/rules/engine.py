"""The calculation of SPEC §4.2, step by step, in Decimal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from faunaschade.rules import wording
from faunaschade.rules.amounts import HUNDRED, ZERO, cents
from faunaschade.rules.calendar import add_working_days, livestock_deadline
from faunaschade.rules.cases import parse_case
from faunaschade.rules.errors import NoRuleSetError
from faunaschade.rules.model import Case, CropCase, Item, LivestockCase, OwnRiskRule, RuleSet
from faunaschade.rules.ruleset import rule_set_for

#: Rejection reasons in the order of the steps that produce them.
REASON_ORDER = tuple(wording.REASONS)
#: The amounts of a result, in the order of the output.
AMOUNT_FIELDS = (
    "assessed_damage",
    "own_risk",
    "supplement",
    "reduction",
    "compensation",
    "payout",
    "leges",
    "leges_refund",
)


class Step(NamedTuple):
    """One line of the calculation, as the decision letter prints it (a tuple: cheap to make)."""

    code: str  #: What the step is: deadline, component, prevention, own_risk, payout…
    description: str  #: Dutch text for the letter.
    amount: Decimal | None  #: Euros for a money step; None for a check.
    rule: str | None  #: Rule of the rule set that applied (see ``RuleSet.provenance``).


@dataclass(frozen=True, slots=True)
class Result:
    """Outcome of one calculation (SPEC §4.4)."""

    rule_set: str  #: Version of the rule set applied.
    deadline: date | datetime  #: Submission deadline (crop) or report deadline (livestock).
    eligible: bool  #: False when any rejection reason applies.
    rejection_reasons: tuple[str, ...]  #: Codes, in the order of the steps.
    assessed_damage: Decimal  #: T: assessed damage of the components that count.
    own_risk: Decimal  #: Eigen risico.
    supplement: Decimal  #: Supplements per hectare.
    reduction: Decimal  #: The officer's reduction.
    compensation: Decimal  #: T − own risk + supplement − reduction, at least 0.
    payout: Decimal  #: What is paid: compensation, or 0 below the minimum payout.
    leges: Decimal  #: Leges of the claim.
    leges_refund: Decimal  #: Leges paid back.
    steps: tuple[Step, ...]  #: Every step with its amount.

    def to_dict(self) -> dict[str, Any]:
        """The JSON output of ``flask rules calculate`` (amounts as two-decimal strings)."""
        data: dict[str, Any] = {
            "rule_set": self.rule_set,
            "deadline": self.deadline.isoformat(),
            "eligible": self.eligible,
            "rejection_reasons": list(self.rejection_reasons),
        }
        for name in AMOUNT_FIELDS:
            data[name] = f"{getattr(self, name):.2f}"
        data["steps"] = [
            {
                "code": step.code,
                "description": step.description,
                "amount": None if step.amount is None else f"{step.amount:.2f}",
                "rule": step.rule,
            }
            for step in self.steps
        ]
        return data


class _Part(NamedTuple):
    """A component that counts, with the own-risk rule that applies to it."""

    species: str
    area_type: str
    damage: Decimal
    area_ha: Decimal
    rule: OwnRiskRule


def calculate(case: Case | Mapping[str, Any], rule_set: RuleSet | None = None) -> Result:
    """Calculate one claim; a mapping is validated first (``CaseError`` names bad fields)."""
    if not isinstance(case, CropCase | LivestockCase):
        case = parse_case(case)
    # A given rule set (tests, what-if) replaces the shipped one, but must still cover the case.
    if rule_set is None:
        rule_set = rule_set_for(case.province, case.discovered_on)
    elif rule_set.province != case.province or not rule_set.covers(case.discovered_on):
        raise NoRuleSetError(case.province, case.discovered_on)
    if isinstance(case, CropCase):
        return _crop(case, rule_set)
    return _livestock(case, rule_set)


def _crop(case: CropCase, rule_set: RuleSet) -> Result:
    day = case.discovered_on
    days = rule_set.submission.working_days
    deadline = add_working_days(day, days)
    late = case.submitted_on > deadline
    text = wording.crop_deadline(day, case.submitted_on, deadline, days, late)
    steps = [Step("deadline", text, None, "submission")]
    reasons = ["late_submission"] if late else []
    parts: list[_Part] = []
    excluded: list[str] = []
    for c in case.components:
        exclusion = rule_set.exclusion(c.species, day)
        if exclusion is None and not c.harvested_before_assessment:
            rule = rule_set.own_risk_rule(c.species, c.area_type, day)
            parts.append(_Part(c.species, c.area_type, c.assessed_damage, c.damaged_area_ha, rule))
            text = wording.crop_part(c.species, c.area_type, c.damaged_area_ha)
            steps.append(Step("component", text, c.assessed_damage, None))
            continue
        excluded += ["species_not_compensated"] if exclusion else []
        excluded += ["harvested_before_assessment"] if c.harvested_before_assessment else []
        text = wording.excluded(c.species, c.area_type, c.assessed_damage, exclusion)
        rule = f"not_compensated:{exclusion.id}" if exclusion else None
        steps.append(Step("component_excluded", text, ZERO, rule))
    reasons += [] if parts else excluded
    prevention = rule_set.prevention
    exempt = case.crop in prevention.exempt_crops
    missing = (
        [] if exempt else [m for m in prevention.required if m not in case.preventive_measures]
    )
    reasons += ["insufficient_prevention"] if missing else []
    text = wording.prevention(case.crop, prevention.required, missing, exempt)
    steps.append(Step("prevention", text, None, "prevention"))
    return _settle(case, rule_set, deadline, late, parts, reasons, steps, rule_set.leges.amount)


def _livestock(case: LivestockCase, rule_set: RuleSet) -> Result:
    rules = rule_set.livestock
    deadline = livestock_deadline(case.discovered_at, rules.report_hours)
    late = case.reported_at > deadline
    text = wording.livestock_deadline(case.reported_at, deadline, rules.report_hours, late)
    steps = [Step("deadline", text, None, "livestock")]
    reasons = ["late_submission"] if late else []
    parts: list[_Part] = []
    for c in case.components:
        costs, capped = _livestock_costs(c.items)
        damage = sum(costs.values(), ZERO)
        exclusion = rule_set.exclusion(c.species, case.discovered_on)
        if exclusion is None:
            rule = rule_set.own_risk_rule(c.species, c.area_type, case.discovered_on)
            parts.append(_Part(c.species, c.area_type, damage, ZERO, rule))
            text = wording.livestock_part(c.species, c.area_type, costs, capped)
            steps.append(Step("component", text, damage, None))
        else:
            text = wording.excluded(c.species, c.area_type, damage, exclusion)
            steps.append(Step("component_excluded", text, ZERO, f"not_compensated:{exclusion.id}"))
    reasons += [] if parts else ["species_not_compensated"]
    accepted = case.wolf_finding in rules.accepted_findings
    reasons += [] if accepted else ["not_wolf"]
    steps.append(
        Step("wolf_finding", wording.finding(case.wolf_finding, accepted), None, "livestock")
    )
    return _settle(case, rule_set, deadline, late, parts, reasons, steps, rules.leges)


def _livestock_costs(items: tuple[Item, ...]) -> tuple[dict[str, Decimal], bool]:
    """Costs by item type, vet costs capped per animal at its value (DOMAIN §7)."""
    costs = dict.fromkeys(wording.ITEMS, ZERO)
    caps = {item.animal: item.amount for item in items if item.type == "animal_value"}
    vet: dict[str, Decimal] = {}
    for item in items:
        if item.type == "vet_costs":
            if item.animal_value is not None:
                caps.setdefault(item.animal, item.animal_value)
            vet[item.animal] = vet.get(item.animal, ZERO) + item.amount
        else:
            costs[item.type] += item.amount
    capped = [min(total, caps[animal]) for animal, total in vet.items()]
    costs["vet_costs"] = sum(capped, ZERO)
    return costs, costs["vet_costs"] != sum(vet.values(), ZERO)


def _settle(
    case: Case,
    rule_set: RuleSet,
    deadline: date | datetime,
    late: bool,
    parts: list[_Part],
    reasons: list[str],
    steps: list[Step],
    leges: Decimal,
) -> Result:
    """Steps 4 to 10: assessed damage, own risk, supplement, reduction, payout, leges."""
    total = sum((part.damage for part in parts), ZERO)
    steps.append(Step("assessed_damage", "Getaxeerde schade totaal", total, None))
    if reasons:
        reasons = sorted(set(reasons), key=REASON_ORDER.index)
    own_risk = supplement = reduction = compensation = payout = ZERO
    if reasons:
        steps.append(Step("rejected", wording.rejected(reasons), ZERO, None))
    else:
        own_risk = _own_risk(case, rule_set, parts, steps)
        supplement = _supplement(parts, steps)
        base = total - own_risk + supplement
        if case.reduction_pct:
            reduction = cents(base * case.reduction_pct / HUNDRED)
            text = wording.reduction(case.reduction_pct, base)
            steps.append(Step("reduction", text, reduction, None))
        compensation = max(base - reduction, ZERO)
        steps.append(Step("compensation", wording.COMPENSATION, compensation, None))
        if compensation >= rule_set.minimum_payout.amount:
            payout = compensation
    minimum = rule_set.minimum_payout.amount
    text = wording.payout(compensation, minimum, not reasons)
    steps.append(Step("payout", text, payout, "minimum_payout"))
    refund = leges if leges and _refunded(case, rule_set, late, payout) else ZERO
    livestock = isinstance(case, LivestockCase)
    text = wording.leges(livestock)
    steps.append(Step("leges", text, leges, "livestock" if livestock else "leges"))
    policy = rule_set.leges_refund
    text = wording.leges_refund(leges, bool(refund), policy.policy, policy.species)
    steps.append(Step("leges_refund", text, refund, "leges_refund"))
    return Result(
        rule_set=rule_set.version,
        deadline=deadline,
        eligible=not reasons,
        rejection_reasons=tuple(reasons),
        assessed_damage=total,
        own_risk=own_risk,
        supplement=supplement,
        reduction=reduction,
        compensation=compensation,
        payout=payout,
        leges=leges,
        leges_refund=refund,
        steps=tuple(steps),
    )


def _own_risk(case: Case, rule_set: RuleSet, parts: list[_Part], steps: list[Step]) -> Decimal:
    """Step 5: Σ round(r_k·T_k), at least the minimum over the components with r_k > 0."""
    percentage = positive = ZERO
    rates: set[Decimal] = set()
    for part in parts:
        rule = part.rule
        share = cents(rule.rate * part.damage)
        percentage += share
        if rule.rate:
            positive += part.damage
            rates.add(rule.rate)
        text = wording.own_risk_part(part.species, part.area_type, rule, part.damage)
        steps.append(Step("own_risk_part", text, share, f"own_risk:{rule.id}"))
    minimum = rule_set.own_risk.minimum
    if rule_set.own_risk.scope == "per_farm_year":
        minimum = max(ZERO, minimum - case.own_risk_borne_this_year)
    own_risk = max(percentage, min(minimum, positive))
    text = wording.own_risk(rates, positive, percentage, minimum)
    steps.append(Step("own_risk", text, own_risk, "own_risk"))
    return own_risk


def _supplement(parts: list[_Part], steps: list[Step]) -> Decimal:
    """Step 6: Σ supplement per hectare × damaged hectares, per component whose rule has one."""
    total = ZERO
    for part in parts:
        rule = part.rule
        if rule.supplement_per_ha is not None:
            amount = cents(rule.supplement_per_ha * part.area_ha)
            total += amount
            text = wording.supplement(
                rule.supplement_per_ha, part.area_ha, part.species, part.area_type
            )
            steps.append(Step("supplement", text, amount, f"own_risk:{rule.id}"))
    return total


def _refunded(case: Case, rule_set: RuleSet, late: bool, payout: Decimal) -> bool:
    """Step 10: whether the province's policy pays the leges back."""
    policy = rule_set.leges_refund
    if policy.policy == "if_granted_or_species":
        return payout > 0 or any(c.species in policy.species for c in case.components)
    return {"never": False, "if_granted": payout > 0, "if_admissible": not late}[policy.policy]
