"""Bad input to ``rules calculate`` (exit 2, the field named) and ``rules show``."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from faunaschade.cli.rules import rules
from faunaschade.rules import CaseError, parse_case

# The rules engine reads no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only

EXAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "cases" / "examples.json"
_CASES = {e["name"]: e["case"] for e in json.loads(EXAMPLES.read_text(encoding="utf-8"))}


def example(name: str = "drenthe_wild_boar_maize") -> dict[str, Any]:
    """A fresh copy of a worked case to break."""
    return copy.deepcopy(_CASES[name])


def run(*args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(rules, list(args), input=stdin)


def run_case(case: Any) -> Result:
    return run("calculate", stdin=json.dumps(case))


DELETE = object()
WOLF = "wolf_three_ewes_and_vet"


def broken(path: str, value: Any, name: str = "drenthe_wild_boar_maize") -> dict[str, Any]:
    """A worked case with the dotted ``path`` set to ``value`` (or deleted)."""
    case = example(name)
    *parents, last = [int(key) if key.isdigit() else key for key in path.split(".")]
    target: Any = case
    for key in parents:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return case


def field_name(path: str) -> str:
    """``components.0.species`` → ``components[0].species``."""
    return re.sub(r"\.(\d+)", r"[\1]", path)


CROP_ERRORS = [
    ("components.0.assessed_damage", DELETE, "Missing data"),
    ("components.0.assessed_damage", "3200,00", "Not a valid decimal"),
    ("components.0.assessed_damage", "3200.001", "At most 2 decimals"),
    ("components.0.assessed_damage", "-1.00", "at least 0"),
    ("components.0.species", "dodo", "Unknown"),
    ("components.0.species", "wolf", "crop-damaging"),
    ("components.0.area_type", "moeras", "Unknown area type"),
    ("components.0.harvested_before_assessment", "yes", "Not a valid boolean"),
    ("province", "XX", "Unknown province 'XX'"),
    ("crop", "zeewier", "Unknown crop"),
    ("discovered_on", "2025-02-30", "Not a valid date"),
    ("submitted_on", "2025-03-02", "Lies before discovered_on"),
    ("reduction_pct", "101", "at most 100"),
    ("components", [], "Shorter than minimum"),
    ("extra", 1, "Unknown field"),
    ("kind", "boat", "Must be one of: crop, livestock"),
    ("kind", DELETE, "Missing data"),
]


@pytest.mark.parametrize(("path", "value", "message"), CROP_ERRORS, ids=[e[0] for e in CROP_ERRORS])
def test_bad_crop_input_names_the_field(path: str, value: Any, message: str) -> None:
    case, field = broken(path, value), field_name(path)
    with pytest.raises(CaseError) as caught:
        parse_case(case)
    assert message in " ".join(caught.value.fields[field])
    result = run_case(case)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"error: {field}: " in result.stderr and message in result.stderr


def test_a_float_amount_is_refused_but_a_json_number_is_exact() -> None:
    case = broken("components.0.assessed_damage", 3200.5)
    with pytest.raises(CaseError, match=r"components\[0\]\.assessed_damage: Not a valid decimal"):
        parse_case(case)
    result = run_case(case)  # the command reads JSON numbers as exact decimals
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["assessed_damage"] == "3200.50"


def test_duplicate_component_is_named() -> None:
    case = example()
    case["components"].append(copy.deepcopy(case["components"][0]))
    result = run_case(case)
    assert result.exit_code == 2
    assert "error: components[1]: Same species and area type as components[0]." in result.stderr


WOLF_ERRORS = [
    ("components.0.species", "vos"),
    ("components.0.items.3.animal_value", DELETE),
    ("components.0.items.0.animal_value", "99.00"),
    ("components.0.items.1.type", "bite"),
    ("components.0.items", []),
    ("wolf_finding", "maybe"),
    ("reported_at", "2025-08-10T05:00:00"),
    ("reported_at", "2025-08-10T14:00:00+02:00"),
    ("crop", "snijmais"),
]


@pytest.mark.parametrize(("path", "value"), WOLF_ERRORS, ids=[e[0] for e in WOLF_ERRORS])
def test_bad_livestock_input_names_the_field(path: str, value: Any) -> None:
    result = run_case(broken(path, value, WOLF))
    assert result.exit_code == 2
    assert f"error: {field_name(path)}: " in result.stderr


def test_vet_value_that_contradicts_the_animal_value_item() -> None:
    case = example(WOLF)
    case["components"][0]["items"].append(
        {"type": "vet_costs", "animal": "ooi-1", "amount": "10.00", "animal_value": "200.00"}
    )
    result = run_case(case)
    assert result.exit_code == 2
    assert "components[0].items[5].animal_value: Differs from the value 180.00" in result.stderr


def test_invalid_json() -> None:
    result = run("calculate", stdin="{not json")
    assert result.exit_code == 2 and "error: input: not valid JSON" in result.stderr


def test_not_an_object() -> None:
    result = run_case("a string")
    assert result.exit_code == 2 and "error: case: A case must be a JSON object." in result.stderr


def test_no_rule_set_for_the_date_names_the_date_field() -> None:
    case = broken("discovered_on", "2020-01-06")
    case["submitted_on"] = "2020-01-07"
    result = run_case(case)
    assert result.exit_code == 2
    assert "error: discovered_on: no rule set for DR on 2020-01-06" in result.stderr
    wolf = broken("discovered_at", "2023-08-10T06:30:00", WOLF)
    wolf["reported_at"] = "2023-08-10T07:00:00"
    assert "error: discovered_at: no rule set for DR on 2023-08-10" in run_case(wolf).stderr


def test_a_list_names_the_bad_cases_by_index_and_writes_nothing() -> None:
    result = run_case([example(), broken("province", DELETE), broken("crop", "x")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error: [1].province: Missing data for required field." in result.stderr
    assert "error: [2].crop: Unknown crop 'x'." in result.stderr


def test_an_empty_list_gives_an_empty_list() -> None:
    result = run_case([])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_calculate_reads_a_file_argument(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(example()), encoding="utf-8")
    result = run("calculate", str(path))
    assert result.exit_code == 0 and json.loads(result.stdout)["payout"] == "2950.00"


def test_show_prints_the_rule_set_with_sources() -> None:
    result = run("show", "ut", "--on", "2025-01-13")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Rule set UT-2024-01-01.1: Utrecht (UT)" in out
    assert "Valid 2024-01-01 to open end" in out
    for expected in ("beleidsregel", "leges refund", "if_granted", "minimum € 250,00", "€ 66,66"):
        assert expected in out
    assert "ut-brandgans-rustgebied-0" in out and "[11-01, 05-01)" in out
    assert "jachtseizoen-haas" in out and "[10-15, 01-01)" in out
    rule_lines = [line for line in out.splitlines() if line.startswith(("ut-", "jachtseizoen"))]
    assert rule_lines and all("DOMAIN.md §" in line for line in rule_lines)


def test_show_history_of_noord_holland() -> None:
    out = run("show", "NH", "--on", "2023-06-01").stdout
    assert "NH-2023-05-01.1" in out and "nh-ganzen-20" in out and "CVDR612013" in out
    assert "compensated after all" in out and "nh-houtduif-jachtseizoen" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "XX"], "error: province: Unknown province 'XX'"),
        (["show", "NH", "--on", "2020-01-01"], "error: --on: no rule set for NH on 2020-01-01"),
        (["show", "NH", "--on", "1 januari"], "Invalid value for '--on'"),
    ],
)
def test_show_bad_input_exits_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2 and message in result.stderr
