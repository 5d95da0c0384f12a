"""Every worked case through the real `flask rules calculate` process, as an operator runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The rules engine reads no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = json.loads((ROOT / ".." / "shared" / "cases" / "examples.json").read_text())


def _flask(*args: str, stdin: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    env.pop("REDIS_URL", None)
    flask = Path(sys.executable).parent / "flask"
    return subprocess.run(
        [str(flask), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def test_all_examples_through_flask_rules_calculate(tmp_path):
    done = _flask(
        "rules", "calculate", stdin=json.dumps([e["case"] for e in EXAMPLES]), tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for example, result in zip(EXAMPLES, results, strict=True):
        for key, expected in example["expected"].items():
            assert result[key] == expected, (example["name"], key)
        assert result["steps"], example["name"]


def test_bad_input_exits_2_naming_the_field(tmp_path):
    case = dict(EXAMPLES[0]["case"], discovered_on="03-03-2025")
    done = _flask("rules", "calculate", stdin=json.dumps(case), tmp_path=tmp_path)
    assert done.returncode == 2
    assert "discovered_on" in done.stderr


def test_rules_show_prints_the_rule_set_in_force(tmp_path):
    done = _flask("rules", "show", "NH", "--on", "2022-06-01", stdin="", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "NH-2021-05-01" in done.stdout
