"""The engine answers thousands of seeded cases exactly as the engine before issue 13 did."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from golden_cases import answer, cli, load

from faunaschade.rules import calculate, parse_case, trusted_case
from faunaschade.rules.engine import results_json, results_json_pieces

# The rules engine reads no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only

PAIRS, COMMAND = load()


def test_the_golden_file_covers_every_outcome() -> None:
    kinds = [next(iter(expected)) for _, expected in PAIRS]
    assert len(PAIRS) > 4000
    assert {kind: kinds.count(kind) > 20 for kind in ("out", "case_error", "no_rule_set")} == {
        "out": True,
        "case_error": True,
        "no_rule_set": True,
    }
    codes = {step["code"] for _, e in PAIRS if "out" in e for step in e["out"]["steps"]}
    assert {"supplement", "reduction", "own_risk_part", "wolf_finding", "rejected"} <= codes


def test_every_case_gives_the_same_answer() -> None:
    differ: list[tuple[int, Any, dict[str, Any]]] = [
        (index, case, expected)
        for index, (case, expected) in enumerate(PAIRS)
        if answer(case) != expected
    ]
    # Show the first difference in full; the count says how widespread it is.
    if differ:
        index, case, expected = differ[0]
        assert (len(differ), index, case, answer(case)) == (0, index, case, expected)


def test_the_command_prints_the_same_bytes() -> None:
    code, out, _ = cli([case for case, expected in PAIRS if "out" in expected])
    assert code == COMMAND["valid_exit"]
    assert len(out.encode()) == COMMAND["valid_stdout_bytes"]
    assert hashlib.sha256(out.encode()).hexdigest() == COMMAND["valid_stdout_sha256"]


def test_the_command_names_the_same_bad_fields() -> None:
    code, out, err = cli([case for case, _ in PAIRS])
    assert (code, out) == (COMMAND["all_exit"], COMMAND["all_stdout"])
    assert err == COMMAND["all_stderr"]


def test_the_trusted_path_gives_the_same_answer_as_validation() -> None:
    """What the service builds itself skips validation but must be calculated the same."""
    valid = [(case, expected) for case, expected in PAIRS if "out" in expected]
    differ = [
        index
        for index, (case, expected) in enumerate(valid)
        if answer(trusted_case(case)) != expected
    ]
    assert (len(valid) > 3000, differ) == (True, [])


def test_the_trusted_case_is_the_validated_case() -> None:
    for case, expected in PAIRS:
        if "out" in expected:
            assert repr(trusted_case(case)) == repr(parse_case(case))


def test_results_json_is_json_dumps_of_to_dict() -> None:
    results = [calculate(case) for case, expected in PAIRS[:400] if "out" in expected]
    dicts = [result.to_dict() for result in results]
    assert results_json(results) == json.dumps(dicts, ensure_ascii=False, indent=2)
    assert results_json(results[0]) == json.dumps(dicts[0], ensure_ascii=False, indent=2)
    assert results_json([]) == "[]"


@pytest.mark.parametrize("size", [1, 7, 20, 21, 500])
def test_results_json_pieces_make_the_same_text(size: int) -> None:
    results = [calculate(case) for case, expected in PAIRS[:60] if "out" in expected][:21]
    assert len(results) == 21
    pieces = list(results_json_pieces(results, size))
    assert len(pieces) == -(-21 // size)
    dicts = [result.to_dict() for result in results]
    assert "".join(pieces) == json.dumps(dicts, ensure_ascii=False, indent=2)
    assert list(results_json_pieces([], size)) == ["[]"]
