"""``flask rules dwangsom``: the penalty for a late decision (Awb 4:17) on its boundary days,
its data checked, and bad input named by field with exit status 2 (issue 15's contract)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from faunaschade.cli.rules import rules
from faunaschade.rules import dwangsom

pytestmark = pytest.mark.sqlite_pass_only

TERM = "2026-03-02"
RECEIVED = "2026-03-05"
F = date(2026, 3, 20)  # received + two weeks + one day


def ask(*questions: dict) -> tuple[int, object, str]:
    """Run the command with one question (or a list); exit code, parsed answer, stderr."""
    body = questions[0] if len(questions) == 1 else list(questions)
    result = CliRunner().invoke(rules, ["dwangsom"], input=json.dumps(body))
    answer = json.loads(result.stdout) if result.exit_code == 0 else None
    return result.exit_code, answer, result.stderr


def decided(offset: int | None, **extra: object) -> dict:
    day = None if offset is None else (F + timedelta(days=offset)).isoformat()
    return {"term_ends_on": TERM, "notice_received_on": RECEIVED, "decided_on": day, **extra}


def test_the_issue_example():
    code, answer, _ = ask(decided(21))
    assert code == 0
    assert answer["premature"] is False and answer["first_day"] == "2026-03-20"
    assert (answer["days"], answer["amount"]) == (21, "567.00")
    assert [s["amount"] for s in answer["steps"]] == [None, "322.00", "245.00"]
    assert all(s["rule"].startswith("Awb art. 4:17") for s in answer["steps"])


@pytest.mark.parametrize(
    ("offset", "days", "amount"),
    [
        (-5, 0, "0.00"),  # decided before the penalty began
        (0, 0, "0.00"),  # decided on F: the day before the decision is before F
        (1, 1, "23.00"),
        (13, 13, "299.00"),  # F + 13: days 1-13
        (14, 14, "322.00"),  # F + 14: the first period complete
        (15, 15, "357.00"),  # the first day at € 35
        (27, 27, "777.00"),  # F + 27
        (28, 28, "812.00"),  # F + 28: the second period complete
        (29, 29, "857.00"),  # the first day at € 45
        (42, 42, "1442.00"),  # the maximum reached exactly
        (43, 42, "1442.00"),  # after 42 days: no more
        (400, 42, "1442.00"),
    ],
)
def test_boundary_days(offset, days, amount):
    code, answer, _ = ask(decided(offset))
    assert code == 0
    assert (answer["days"], answer["amount"]) == (days, amount)
    assert answer["premature"] is False
    assert sum(float(s["amount"] or 0) for s in answer["steps"]) == float(amount)
    assert ("maximum" in [s["code"] for s in answer["steps"]]) is (days == 42)


def test_a_notice_on_or_before_the_terms_last_day_is_premature():
    for received in ("2026-02-10", TERM):
        code, answer, _ = ask(
            {"term_ends_on": TERM, "notice_received_on": received, "decided_on": "2026-09-01"}
        )
        assert code == 0
        assert answer["premature"] is True and answer["first_day"] is None
        assert (answer["days"], answer["amount"]) == (0, "0.00")
        assert "voorbarig" in answer["steps"][0]["description"]
    # The day after the term's last day: on time, the penalty runs from 15 days later.
    code, answer, _ = ask(
        {"term_ends_on": TERM, "notice_received_on": "2026-03-03", "decided_on": "2026-09-01"}
    )
    assert (answer["premature"], answer["first_day"], answer["days"]) == (False, "2026-03-18", 42)


def test_an_undecided_claim_runs_up_to_and_including_as_of():
    code, answer, _ = ask(decided(None, as_of=(F + timedelta(days=20)).isoformat()))
    assert code == 0 and (answer["days"], answer["amount"]) == (21, "567.00")
    code, answer, _ = ask(decided(None, as_of=F.isoformat()))
    assert (answer["days"], answer["amount"]) == (1, "23.00")


def test_a_list_gets_a_list_in_the_same_order():
    code, answer, _ = ask(decided(14), decided(28))
    assert code == 0 and [a["amount"] for a in answer] == ["322.00", "812.00"]


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ({"notice_received_on": RECEIVED, "decided_on": None, "as_of": RECEIVED}, "term_ends_on"),
        ({"term_ends_on": TERM, "decided_on": "2026-04-10"}, "notice_received_on"),
        ({"term_ends_on": TERM, "notice_received_on": RECEIVED}, "decided_on"),
        (decided(None), "as_of"),
        (decided(3, as_of="2026-04-01"), "as_of"),
        ({**decided(3), "term_ends_on": "2026-02-30"}, "term_ends_on"),
        ({**decided(3), "term_ends_on": "20260302"}, "term_ends_on"),
        ({**decided(3), "notice_received_on": 20260305}, "notice_received_on"),
        ({**decided(3), "decided_on": "1999-12-31"}, "decided_on"),
        ({**decided(3), "penalty": 5}, "penalty"),
    ],
)
def test_bad_input_names_the_field_and_exits_2(question, field):
    code, answer, stderr = ask(question)
    assert code == 2 and answer is None
    assert f"error: {field}:" in stderr


def test_bad_input_in_a_list_is_named_by_its_index():
    code, _, stderr = ask(decided(3), {**decided(3), "decided_on": "gisteren"})
    assert code == 2 and "error: [1].decided_on:" in stderr and "[0]" not in stderr
    for body in ("[1, 2", '"text"'):
        result = CliRunner().invoke(rules, ["dwangsom"], input=body)
        assert result.exit_code == 2 and "error:" in result.stderr


def test_the_rule_is_data_with_its_source_and_must_add_up(tmp_path):
    rule = dwangsom.penalty_rule()
    assert (rule.grace_days, rule.max_days, str(rule.maximum)) == (14, 42, "1442.00")
    assert "4:17" in rule.source and rule.confidence in ("confirmed", "likely", "assumed")
    broken = tmp_path / "dwangsom.toml"
    broken.write_text(dwangsom.DATA.read_text().replace("per_day = 45.00", "per_day = 46.00"))
    with pytest.raises(dwangsom.PenaltyRuleError, match="add up"):
        dwangsom.penalty_rule(broken)
    gap = tmp_path / "gap.toml"
    gap.write_text(dwangsom.DATA.read_text().replace("first_day = 15", "first_day = 16"))
    with pytest.raises(dwangsom.PenaltyRuleError, match="follow each other"):
        dwangsom.penalty_rule(gap)


def test_the_real_command_in_a_process():
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "flask", "rules", "dwangsom"],
        input=json.dumps(decided(21)),
        capture_output=True,
        text=True,
        cwd=root,
        env={"FLASK_APP": "wsgi", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["amount"] == "567.00"
