"""What the app loads at start: the libraries of letters (WeasyPrint, pyHanko, fontTools), of
spreadsheets (openpyxl) and of map files (pyproj, pyogrio) load where they are used, not with
the app, so commands and web workers that never render a PDF do not pay for them; and
`flask worker` still has the letters' libraries loaded before it forks (its warm-up).

Each case runs in a fresh interpreter: this test process has long imported everything.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# No database work: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only

ROOT = Path(__file__).resolve().parents[2]
#: Loaded on use only.
ON_USE = ("weasyprint", "pyhanko", "pyhanko_certvalidator", "fontTools", "openpyxl", "pyproj")
#: What a forked letter job needs loaded in the worker's parent.
LETTERS = ("weasyprint", "pyhanko", "fontTools")

_START = """
import sys
from faunaschade import create_app
app = create_app("development")
{then}
print(" ".join(sorted(name for name in sys.argv[1:] if name in sys.modules)))
"""

_WARM_UP = """
from faunaschade.documents import samples
with app.app_context():
    samples.warm_up()  # what `flask worker` does before it forks
"""


def _loaded(tmp_path: Path, then: str, names: tuple[str, ...]) -> set[str]:
    env = {
        **os.environ,
        "FAUNASCHADE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", _START.format(then=then), *names],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return set(done.stdout.split())


def test_the_app_starts_without_the_libraries_used_on_demand(tmp_path):
    assert _loaded(tmp_path, "", ON_USE) == set()


def test_the_workers_warm_up_loads_the_letters_libraries_before_it_forks(tmp_path):
    assert _loaded(tmp_path, _WARM_UP, LETTERS) == set(LETTERS)
