"""The import rules hold today, and an import that breaks them fails `lint-imports` (so make test).

Each case copies the package into a temporary directory, adds one import by hand and runs the
real `lint-imports` on the copy with the project's own contracts (pyproject.toml).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Reads source files only: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "faunaschade",
        tmp_path / "faunaschade",
        ignore=shutil.ignore_patterns("static", "translations", "__pycache__"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(ROOT / "config.py", tmp_path / "config.py")
    return tmp_path


def test_the_contracts_are_kept(copy: Path):
    result = _lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # A cycle between two domain packages: decisions imports claims, and now claims decisions.
        (
            "claims/receipt.py",
            "from faunaschade.decisions import calculation",
            "faunaschade.claims is not allowed to import faunaschade.decisions",
        ),
        # A cycle inside one package: operations imports workflow, and now workflow operations.
        (
            "claims/workflow.py",
            "from faunaschade.claims import operations",
            "No cycles are allowed in faunaschade.claims",
        ),
        # A letter template context reaching for a use case.
        (
            "documents/context.py",
            "from faunaschade.decisions import operations",
            "faunaschade.documents is not allowed to import faunaschade.decisions",
        ),
        # The models reaching up to a page.
        (
            "models/claims.py",
            "from faunaschade.web import pages",
            "faunaschade.models is not allowed to import faunaschade.web",
        ),
    ],
)
def test_an_import_against_the_rules_fails(copy: Path, module: str, line: str, broken: str):
    target = copy / "faunaschade" / module
    target.write_text(target.read_text() + f"\n{line}  # noqa: E402, F401\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert broken in " ".join(result.stdout.split()), result.stdout
