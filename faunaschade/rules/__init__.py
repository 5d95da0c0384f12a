"""The rules engine: pure Python, versioned rule-set data, Dutch working-day calendar."""

from faunaschade.rules.calendar import (
    add_working_days,
    awb_backstop,
    decision_target,
    holidays,
    is_working_day,
    livestock_deadline,
    next_working_day_from,
    objection_deadline,
    submission_deadline,
    zienswijze_deadline,
)
from faunaschade.rules.cases import parse_case, trusted_case
from faunaschade.rules.engine import Result, Step, calculate
from faunaschade.rules.errors import CaseError, NoRuleSetError, RulesError, RuleSetError
from faunaschade.rules.model import Case, CropCase, LivestockCase, RuleSet
from faunaschade.rules.ruleset import load_rule_sets, rule_set_by_version, rule_set_for, rule_sets

__all__ = [
    "Case",
    "CaseError",
    "CropCase",
    "LivestockCase",
    "NoRuleSetError",
    "Result",
    "RuleSet",
    "RuleSetError",
    "RulesError",
    "Step",
    "add_working_days",
    "awb_backstop",
    "calculate",
    "decision_target",
    "holidays",
    "is_working_day",
    "livestock_deadline",
    "load_rule_sets",
    "next_working_day_from",
    "objection_deadline",
    "parse_case",
    "rule_set_by_version",
    "rule_set_for",
    "rule_sets",
    "submission_deadline",
    "trusted_case",
    "zienswijze_deadline",
]
