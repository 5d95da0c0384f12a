"""The README tells the truth about the settings: every one config.py reads is in its
configuration table, and every one production refuses to start without is in its production
section."""

from __future__ import annotations

import re

import pytest

import config
from tests.support.app import ROOT

README = (ROOT / "README.md").read_text()
# Read from the environment by config.py: _env("NAME" …) and _json_setting("NAME" …).
READ = re.compile(r"""_(?:env|json_setting)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
NAME = re.compile(r"`([A-Z][A-Z0-9_]+)`")

# What no database changes: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def _settings_read() -> set[str]:
    return set(READ.findall((ROOT / "config.py").read_text()))


def test_every_setting_config_reads_is_in_the_configuration_table():
    table = "\n".join(
        line for line in _section("Configuration").splitlines() if line.startswith("| `")
    )
    documented = set(NAME.findall(table))
    read = _settings_read()
    assert len(read) > 40  # the pattern finds them
    assert read - documented == set()


def test_every_setting_production_refuses_to_start_without_is_in_the_production_section(
    monkeypatch,
):
    for name in _settings_read():
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError) as refused:
        config.ProductionConfig.check()
    named = set(re.findall(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\bREDIS_URL\b", str(refused.value)))
    assert {"SECRET_KEY", "DATABASE_URL", "LETTER_SIGNING_CERT"} <= named
    section = _section("Production deployment")
    assert {name for name in named if f"`{name}`" not in section} == set()
