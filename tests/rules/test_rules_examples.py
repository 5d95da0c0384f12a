"""The worked cases of ../shared/cases/examples.json, through the engine and the command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from faunaschade.cli.rules import rules
from faunaschade.rules import calculate

# The rules engine reads no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only

EXAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "cases" / "examples.json"
CASES: list[dict[str, Any]] = json.loads(EXAMPLES.read_text(encoding="utf-8"))
IDS = [example["name"] for example in CASES]


def _assert_expected(output: dict[str, Any], expected: dict[str, Any]) -> None:
    assert {key: output[key] for key in expected} == expected


def test_the_examples_are_there() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("example", CASES, ids=IDS)
def test_engine(example: dict[str, Any]) -> None:
    _assert_expected(calculate(example["case"]).to_dict(), example["expected"])


@pytest.mark.parametrize("example", CASES, ids=IDS)
def test_command_one_case(example: dict[str, Any]) -> None:
    result = CliRunner().invoke(rules, ["calculate"], input=json.dumps(example["case"]))
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    _assert_expected(output, example["expected"])
    assert output["rule_set"]
    assert all(set(step) == {"code", "description", "amount", "rule"} for step in output["steps"])


def test_command_list_of_cases() -> None:
    cases = [example["case"] for example in CASES]
    result = CliRunner().invoke(rules, ["calculate"], input=json.dumps(cases))
    assert result.exit_code == 0, result.stderr
    outputs = json.loads(result.stdout)
    assert len(outputs) == len(CASES)
    for output, example in zip(outputs, CASES, strict=True):
        _assert_expected(output, example["expected"])


def test_steps_explain_the_first_example() -> None:
    steps = calculate(CASES[0]["case"]).steps
    own_risk = next(step for step in steps if step.code == "own_risk")
    assert own_risk.description == "Eigen risico 5% van € 3.200,00, minimaal € 250,00"
    assert [step.code for step in steps][-3:] == ["payout", "leges", "leges_refund"]
