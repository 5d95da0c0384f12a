"""The package's shape: imports at the top, except where a comment says why not."""

import ast
import sys
from pathlib import Path

import pytest

# Reads source files only: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only

PACKAGE = Path(__file__).resolve().parents[2] / "faunaschade"


def test_no_import_of_our_own_modules_inside_a_function_without_a_reason():
    silent = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                module = inner.module if isinstance(inner, ast.ImportFrom) else None
                if isinstance(inner, ast.Import):
                    module = inner.names[0].name
                if not (module or "").startswith("faunaschade"):
                    continue
                above = lines[inner.lineno - 2].strip()
                if not (above.startswith("#") or "#" in lines[inner.lineno - 1]):
                    silent.append(f"{path.relative_to(PACKAGE.parent)}:{inner.lineno}")
    assert silent == [], "say in a comment why these imports cannot be at the top"


def test_no_benchmark_shadows_a_standard_library_module():
    # `python bench/x.py` puts bench/ first on sys.path: a bench/statistics.py would replace the
    # standard library's statistics for every other benchmark (bench/letters.py crashed so).
    bench = PACKAGE.parent / "bench"
    shadowing = sorted(p.name for p in bench.glob("*.py") if p.stem in sys.stdlib_module_names)
    assert shadowing == []
