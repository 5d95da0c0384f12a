"""The calculation of SPEC §4.2, step by step, in Decimal."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from faunaschade.rules import wording
from faunaschade.rules.amounts import HUNDRED, ZERO, cents, dutch_date, eur
from faunaschade.rules.calendar import livestock_deadline
from faunaschade.rules.cases import parse_case
from faunaschade.rules.compiled import Compiled, Part, tables
from faunaschade.rules.errors import NoRuleSetError
from faunaschade.rules.model import Case, CropCase, Item, LivestockCase, RuleSet
from faunaschade.rules.ruleset import rule_set_for
from faunaschade.rules.wording import hectares, on_time

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


# A step without NamedTuple's Python-level __new__ (a calculation makes about ten of them).
_step = tuple.__new__
_REASON_RANK = {reason: rank for rank, reason in enumerate(REASON_ORDER)}
_HARVESTED_SUFFIX = wording.excluded_suffix(None)
_LEGES = {False: wording.leges(False), True: wording.leges(True)}


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


# A counted component: its compiled part, damage and damaged hectares.
_Counted = tuple[Part, Decimal, Decimal]


def _crop(case: CropCase, rule_set: RuleSet) -> Result:
    compiled = tables(rule_set)
    day = compiled.day(case.discovered_on)
    submitted = case.submitted_on
    deadline = day.deadline
    late = submitted > deadline
    text = f"Ingediend op {dutch_date(submitted)}{day.deadline_suffix}{on_time(late)}"
    steps = [_step(Step, ("deadline", text, None, "submission"))]
    reasons = ["late_submission"] if late else []
    parts: list[_Counted] = []
    excluded: list[str] = []
    part_of = day.segment.part
    for c in case.components:
        part = part_of(c.species, c.area_type)
        exclusion = part.exclusion
        harvested = c.harvested_before_assessment
        if exclusion is None and not harvested:
            parts.append((part, c.assessed_damage, c.damaged_area_ha))
            text = part.counted + hectares(c.damaged_area_ha)
            steps.append(_step(Step, ("component", text, c.assessed_damage, None)))
            continue
        if exclusion:
            excluded.append("species_not_compensated")
        if harvested:
            excluded.append("harvested_before_assessment")
        suffix = part.excluded_suffix if exclusion else _HARVESTED_SUFFIX
        text = f"{part.label}: getaxeerd {eur(c.assessed_damage)}{suffix}"
        steps.append(_step(Step, ("component_excluded", text, ZERO, part.excluded_rule)))
    if not parts:
        reasons += excluded
    missing, text = compiled.prevention(case.crop, case.preventive_measures)
    if missing:
        reasons.append("insufficient_prevention")
    steps.append(_step(Step, ("prevention", text, None, "prevention")))
    leges = ZERO if case.leges_exempt else rule_set.leges.amount
    return _settle(case, compiled, deadline, late, parts, reasons, steps, leges)


def _livestock(case: LivestockCase, rule_set: RuleSet) -> Result:
    compiled = tables(rule_set)
    rules = rule_set.livestock
    deadline = livestock_deadline(case.discovered_at, rules.report_hours)
    late = case.reported_at > deadline
    text = wording.livestock_deadline(case.reported_at, deadline, rules.report_hours, late)
    steps = [_step(Step, ("deadline", text, None, "livestock"))]
    reasons = ["late_submission"] if late else []
    parts: list[_Counted] = []
    day = case.discovered_on
    segment = compiled.segments[day.month, day.day]
    for c in case.components:
        costs, capped = _livestock_costs(c.items)
        damage = sum(costs.values(), ZERO)
        part = segment.part(c.species, c.area_type)
        if part.exclusion is None:
            parts.append((part, damage, ZERO))
            text = wording.livestock_part(c.species, c.area_type, costs, capped)
            steps.append(_step(Step, ("component", text, damage, None)))
        else:
            text = f"{part.label}: getaxeerd {eur(damage)}{part.excluded_suffix}"
            steps.append(_step(Step, ("component_excluded", text, ZERO, part.excluded_rule)))
    if not parts:
        reasons.append("species_not_compensated")
    accepted = case.wolf_finding in rules.accepted_findings
    if not accepted:
        reasons.append("not_wolf")
    text = wording.finding(case.wolf_finding, accepted)
    steps.append(_step(Step, ("wolf_finding", text, None, "livestock")))
    return _settle(case, compiled, deadline, late, parts, reasons, steps, rules.leges)


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
    compiled: Compiled,
    deadline: date | datetime,
    late: bool,
    parts: list[_Counted],
    reasons: list[str],
    steps: list[Step],
    leges: Decimal,
) -> Result:
    """Steps 4 to 10: assessed damage, own risk, supplement, reduction, payout, leges."""
    rule_set = compiled.rule_set
    total = ZERO
    for _, damage, _ in parts:
        total += damage
    steps.append(_step(Step, ("assessed_damage", "Getaxeerde schade totaal", total, None)))
    own_risk = supplement = reduction = compensation = payout = ZERO
    eligible = not reasons
    if reasons:
        reasons = sorted(set(reasons), key=_REASON_RANK.__getitem__)
        steps.append(_step(Step, ("rejected", wording.rejected(reasons), ZERO, None)))
    else:
        own_risk = _own_risk(case, compiled, parts, steps)
        supplement = _supplement(parts, steps)
        base = total - own_risk + supplement
        if case.reduction_pct:
            reduction = cents(base * case.reduction_pct / HUNDRED)
            text = wording.reduction(case.reduction_pct, base)
            steps.append(_step(Step, ("reduction", text, reduction, None)))
        compensation = max(base - reduction, ZERO)
        steps.append(_step(Step, ("compensation", wording.COMPENSATION, compensation, None)))
        if compensation >= compiled.minimum_payout:
            payout = compensation
    text = compiled.payout_text[eligible, compensation < compiled.minimum_payout]
    steps.append(_step(Step, ("payout", text, payout, "minimum_payout")))
    refund = leges if leges and _refunded(case, rule_set, late, payout) else ZERO
    livestock = isinstance(case, LivestockCase)
    rule = "livestock" if livestock else "leges"
    steps.append(_step(Step, ("leges", _LEGES[livestock], leges, rule)))
    text = compiled.refund_text[bool(leges), bool(refund)]
    steps.append(_step(Step, ("leges_refund", text, refund, "leges_refund")))
    return Result(
        rule_set.version,
        deadline,
        eligible,
        tuple(reasons),
        total,
        own_risk,
        supplement,
        reduction,
        compensation,
        payout,
        leges,
        refund,
        tuple(steps),
    )


def _own_risk(case: Case, compiled: Compiled, parts: list[_Counted], steps: list[Step]) -> Decimal:
    """Step 5: Σ round(r_k·T_k), at least the minimum over the components with r_k > 0."""
    percentage = positive = ZERO
    rates: set[Decimal] = set()
    for part, damage, _ in parts:
        rate = part.rate
        share = cents(rate * damage)
        percentage += share
        if rate:
            positive += damage
            rates.add(rate)
        steps.append(
            _step(Step, ("own_risk_part", part.own_risk + eur(damage), share, part.rule_ref))
        )
    rules = compiled.rule_set.own_risk
    minimum = rules.minimum
    if rules.scope == "per_farm_year":
        minimum = max(ZERO, minimum - case.own_risk_borne_this_year)
    own_risk = max(percentage, min(minimum, positive))
    text = wording.own_risk(rates, positive, percentage, minimum)
    steps.append(_step(Step, ("own_risk", text, own_risk, "own_risk")))
    return own_risk


def _supplement(parts: list[_Counted], steps: list[Step]) -> Decimal:
    """Step 6: Σ supplement per hectare × damaged hectares, per component whose rule has one."""
    total = ZERO
    for part, _, area in parts:
        per_ha = part.supplement_per_ha
        if per_ha is not None:
            amount = cents(per_ha * area)
            total += amount
            text = part.supplement + hectares(area)
            steps.append(_step(Step, ("supplement", text, amount, part.rule_ref)))
    return total


def _refunded(case: Case, rule_set: RuleSet, late: bool, payout: Decimal) -> bool:
    """Step 10: whether the province's policy pays the leges back."""
    policy = rule_set.leges_refund
    if policy.policy == "if_granted_or_species":
        return payout > 0 or any(c.species in policy.species for c in case.components)
    return {"never": False, "if_granted": payout > 0, "if_admissible": not late}[policy.policy]


# The JSON text of results, written directly: json.dumps with an indent runs the pure-Python
# encoder, which took longer than the calculation. The text is byte for byte what
# ``json.dumps(result.to_dict(), ensure_ascii=False, indent=2)`` writes (tests/rules golden).
# Everything but the case's own values is fixed text, made once per call: the lines around a
# result's fields (one %-template) and, per step code and rule, the lines around a step's
# description and amount. The pieces of all results are joined once, at the end.


def _cents_text(amount: Decimal) -> str:
    """``f"{amount:.2f}"``, from ``str`` when the amount has two decimals already (most do)."""
    text = str(amount)
    if text[-3:-2] == "." and "E" not in text:
        return text
    return f"{amount:.2f}"


def _result_template(pad: str) -> str:
    """A result up to its steps' list, ``%s`` for each value (amounts inside their quotes)."""
    lines = [
        '"rule_set": %s',
        '"deadline": "%s"',
        '"eligible": %s',
        '"rejection_reasons": %s',
        *(f'"{name}": "%s"' for name in AMOUNT_FIELDS),
        '"steps": ',
    ]
    return "{\n" + ",\n".join(f"{pad}  {line}" for line in lines)


def _step_frame(code: str, rule: str | None, inner: str) -> tuple[str, str, str, str]:
    """The fixed text of one step code and rule: up to the description; after it for a step
    without an amount; after it up to the amount's digits; after the digits to the step's end."""
    q = encode_basestring
    field = ",\n" + inner + "  "
    end = f'{field}"rule": {"null" if rule is None else q(rule)}\n{inner}}}'
    return (
        f'{inner}{{\n{inner}  "code": {q(code)}{field}"description": ',
        f'{field}"amount": null{end}',
        f'{field}"amount": "',
        '"' + end,
    )


def _results_parts(results: list[Result], pad: str, parts: list[str]) -> None:
    """Append the text of each result to ``parts``, results apart by ``",\n" + pad``."""
    q = encode_basestring
    template = _result_template(pad)
    inner = pad + "    "
    reasons_open, reasons_apart, reasons_close = "[\n" + inner, ",\n" + inner, "\n" + pad + "  ]"
    step_apart, steps_close, result_close = ",\n", "\n" + pad + "  ]", "\n" + pad + "}"
    frames: dict[str, dict[str | None, tuple[str, str, str, str]]] = {}  # by code, then rule
    append, extend = parts.append, parts.extend
    for index, result in enumerate(results):
        if index:
            extend((",\n", pad))
        reasons = result.rejection_reasons
        values = [
            result.assessed_damage,
            result.own_risk,
            result.supplement,
            result.reduction,
            result.compensation,
            result.payout,
            result.leges,
            result.leges_refund,
        ]
        for position, amount in enumerate(values):
            text = str(amount)
            values[position] = text if text[-3:-2] == "." and "E" not in text else f"{amount:.2f}"
        append(
            template
            % (
                q(result.rule_set),
                result.deadline.isoformat(),
                "true" if result.eligible else "false",
                reasons_open + reasons_apart.join(map(q, reasons)) + reasons_close
                if reasons
                else "[]",
                *values,
            )
        )
        steps = result.steps
        if not steps:
            extend(("[]", result_close))
            continue
        append("[\n")
        for position, (code, description, amount, rule) in enumerate(steps):
            by_rule = frames.get(code)
            if by_rule is None:
                by_rule = frames[code] = {}
            frame = by_rule.get(rule)
            if frame is None:
                frame = by_rule[rule] = _step_frame(code, rule, inner)
            if position:
                append(step_apart)
            if amount is None:
                extend((frame[0], q(description), frame[1]))
                continue
            text = str(amount)
            if text[-3:-2] != "." or "E" in text:
                text = f"{amount:.2f}"
            extend((frame[0], q(description), frame[2], text, frame[3]))
        extend((steps_close, result_close))


def results_json_pieces(results: list[Result], size: int = 500) -> Iterator[str]:
    """The text of ``results_json(results)`` in pieces of ``size`` results: written piece by
    piece, tens of MB of text (and their bytes) are never built at once, which took a third of
    the time of writing them."""
    if not results:
        yield "[]"
        return
    for start in range(0, len(results), size):
        parts = ["[\n  " if start == 0 else ",\n  "]
        _results_parts(results[start : start + size], "  ", parts)
        if start + size >= len(results):
            parts.append("\n]")
        yield "".join(parts)


def results_json(results: Result | list[Result]) -> str:
    """``json.dumps`` of the results' ``to_dict()`` with ``ensure_ascii=False, indent=2``."""
    if isinstance(results, Result):
        parts: list[str] = []
        _results_parts([results], "", parts)
        return "".join(parts)
    return "".join(results_json_pieces(results))
