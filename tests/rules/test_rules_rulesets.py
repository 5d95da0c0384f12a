"""Rule-set files: validation on load, validity periods, provenance, lookup by date."""

from __future__ import annotations

import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from faunaschade.rules import NoRuleSetError, RuleSetError, load_rule_sets, rule_set_for
from faunaschade.rules.catalogue import PROVINCES
from faunaschade.rules.ruleset import DATA_DIR, rule_set_by_version, rule_sets

# The rules engine reads no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped rule sets."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_sets_load_and_match_spec_table() -> None:
    index = rule_sets()
    assert set(index) == set(PROVINCES)
    for province, found in index.items():
        assert found[-1].valid_until is None, province
        expected_start = date(2021, 5, 1) if province == "NH" else date(2024, 1, 1)
        assert found[0].valid_from == expected_start
    nh = [(s.valid_from, s.valid_until) for s in index["NH"]]
    assert nh == [
        (date(2021, 5, 1), date(2023, 4, 30)),
        (date(2023, 5, 1), date(2023, 10, 31)),
        (date(2023, 11, 1), None),
    ]


def test_every_rule_has_provenance_and_every_set_a_beleidsregel() -> None:
    for found in rule_sets().values():
        for rule_set in found:
            assert rule_set.beleidsregel.title
            facts = [rule_set.beleidsregel, rule_set.leges, rule_set.leges_refund]
            facts += [rule_set.own_risk, *rule_set.own_risk.rules, *rule_set.not_compensated]
            for fact in facts:
                assert re.match(r"DOMAIN\.md §\d", fact.source), fact
                assert fact.confidence in {"confirmed", "likely", "assumed"}


def test_spec_overrides() -> None:
    day = date(2025, 6, 1)
    assert rule_set_for("OV", day).leges.amount == Decimal("336.00")
    assert rule_set_for("OV", day).leges_refund.policy == "if_admissible"
    assert rule_set_for("ZE", day).leges.amount == Decimal("0.00")
    assert rule_set_for("LI", day).leges.amount == Decimal("0.00")
    assert rule_set_for("DR", day).leges_refund.species == {
        "das",
        "lynx",
        "otter",
        "bever",
        "wilde_kat",
    }
    assert rule_set_for("NB", day).leges_refund.species == {"das"}
    assert rule_set_for("GR", day).own_risk.rate == Decimal("0.05")  # exact, not a float
    assert rule_set_for("GR", day).own_risk.minimum == Decimal("250.00")


def test_lookup_by_date_and_version() -> None:
    assert rule_set_for("NH", date(2023, 4, 30)).version == "NH-2021-05-01.1"
    assert rule_set_for("NH", date(2023, 5, 1)).version == "NH-2023-05-01.1"
    assert rule_set_for("NH", date(2023, 11, 1)).version == "NH-2023-11-01.1"
    assert rule_set_by_version("GE-2024-01-01.1").province == "GE"


@pytest.mark.parametrize(
    ("province", "day"),
    [("NH", date(2020, 1, 1)), ("GR", date(2023, 12, 31)), ("XX", date(2025, 1, 1))],
)
def test_a_date_before_any_set_is_an_error(province: str, day: date) -> None:
    with pytest.raises(NoRuleSetError, match=f"no rule set for {province} on {day}"):
        rule_set_for(province, day)


def test_loader_reads_a_directory(data_dir: Path) -> None:
    assert load_rule_sets(data_dir).keys() == rule_sets().keys()


def test_broken_value_names_file_and_field(data_dir: Path) -> None:
    _edit(data_dir / "nh-2023-05-01.toml", "rate = 0.20", 'rate = "twenty"')
    message = "nh-2023-05-01.toml: own_risk.rules[1].rate: Not a valid decimal."
    with pytest.raises(RuleSetError, match=re.escape(message)):
        load_rule_sets(data_dir)


def test_float_strings_and_ranges_are_checked(data_dir: Path) -> None:
    _edit(data_dir / "dr-2024-01-01.toml", "rate = 0\n", "rate = 1.5\n")
    with pytest.raises(
        RuleSetError, match=r"dr-2024-01-01\.toml: own_risk\.rules\[0\]\.rate: Must be at most 1"
    ):
        load_rule_sets(data_dir)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('confidence = "confirmed"', 'confidence = "sure"', "leges.confidence"),
        ('"bever", "wilde_kat"]', '"bever", "dodo"]', "leges_refund.species[4]"),
        ('policy = "if_granted_or_species"', 'policy = "always"', "leges_refund.policy"),
        ('species = ["das", "bever"]', "", "own_risk.rules[0].species"),
        (
            "valid_from = 2024-01-01",
            "valid_from = 2024-01-01\nvalid_until = 2023-01-01",
            "valid_until",
        ),
        ('version = "DR-2024-01-01.1"', "", "version"),
        ('province = "DR"', "provinsje = 1", "provinsje"),
    ],
)
def test_invalid_fields_are_named(data_dir: Path, old: str, new: str, field: str) -> None:
    _edit(data_dir / "dr-2024-01-01.toml", old, new)
    with pytest.raises(RuleSetError, match=re.escape(f"dr-2024-01-01.toml: {field}: ")):
        load_rule_sets(data_dir)


def test_unknown_table_is_named(data_dir: Path) -> None:
    _edit(data_dir / "ge-2024-01-01.toml", "[beleidsregel]", "[beleidsregel_typo]")
    with pytest.raises(
        RuleSetError, match=r"ge-2024-01-01\.toml: beleidsregel_typo: Unknown field"
    ):
        load_rule_sets(data_dir)


def test_missing_table_is_named(data_dir: Path) -> None:
    path = data_dir / "ge-2024-01-01.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\[beleidsregel\]\n(.+\n)+", "", text), encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"ge-2024-01-01\.toml: beleidsregel: Missing data"):
        load_rule_sets(data_dir)


def test_bad_season_is_named(data_dir: Path) -> None:
    _edit(
        data_dir / "defaults.toml",
        'start = "10-15", end = "01-01"',
        'start = "10-32", end = "01-01"',
    )
    with pytest.raises(
        RuleSetError, match=re.escape("defaults.toml: not_compensated[2].season.start")
    ):
        load_rule_sets(data_dir)


def test_toml_syntax_error_names_the_file(data_dir: Path) -> None:
    (data_dir / "li-2024-01-01.toml").write_text("province = ", encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"li-2024-01-01\.toml: not valid TOML"):
        load_rule_sets(data_dir)


def test_duplicate_rule_ids_are_refused(data_dir: Path) -> None:
    _edit(
        data_dir / "nh-2023-11-01.toml",
        'id = "nh-ganzen-5"',
        'id = "nh-foerageergebied-buffer-winter-0"',
    )
    with pytest.raises(RuleSetError, match=re.escape("own_risk.rules[1].id: Duplicate id.")):
        load_rule_sets(data_dir)


def test_overlapping_sets_are_refused(data_dir: Path) -> None:
    text = (data_dir / "nh-2023-11-01.toml").read_text(encoding="utf-8")
    overlapping = text.replace("2023-11-01", "2023-10-01")
    (data_dir / "nh-2023-10-01.toml").write_text(overlapping, encoding="utf-8")
    with pytest.raises(
        RuleSetError, match=r"nh-2023-10-01\.toml: valid_from: overlaps nh-2023-05-01\.toml"
    ):
        load_rule_sets(data_dir)


def test_a_set_after_an_open_ended_one_overlaps(data_dir: Path) -> None:
    text = (data_dir / "gr-2024-01-01.toml").read_text(encoding="utf-8")
    (data_dir / "gr-2026-01-01.toml").write_text(
        text.replace("2024-01-01", "2026-01-01"), encoding="utf-8"
    )
    with pytest.raises(
        RuleSetError, match=r"gr-2026-01-01\.toml: valid_from: overlaps gr-2024-01-01\.toml"
    ):
        load_rule_sets(data_dir)


def test_closing_a_set_makes_room_for_the_next(data_dir: Path) -> None:
    _edit(
        data_dir / "gr-2024-01-01.toml",
        "valid_from = 2024-01-01",
        "valid_from = 2024-01-01\nvalid_until = 2025-12-31",
    )
    text = (data_dir / "gr-2024-01-01.toml").read_text(encoding="utf-8")
    newer = text.replace("2024-01-01", "2026-01-01").replace("valid_until = 2025-12-31\n", "")
    (data_dir / "gr-2026-01-01.toml").write_text(newer.replace("rate = 0.05", ""), encoding="utf-8")
    index = load_rule_sets(data_dir)
    assert [s.version for s in index["GR"]] == ["GR-2024-01-01.1", "GR-2026-01-01.1"]
    assert rule_set_for("GR", date(2026, 1, 1), index).version == "GR-2026-01-01.1"


def test_file_name_must_match_contents(data_dir: Path) -> None:
    (data_dir / "gr-2024-01-01.toml").rename(data_dir / "gr-2024-02-01.toml")
    with pytest.raises(RuleSetError, match=r"gr-2024-02-01\.toml: valid_from: must match"):
        load_rule_sets(data_dir)


def test_repeated_version_is_refused(data_dir: Path) -> None:
    _edit(
        data_dir / "fl-2024-01-01.toml",
        'version = "FL-2024-01-01.1"',
        'version = "FR-2024-01-01.1"',
    )
    with pytest.raises(RuleSetError, match=r"version: FR-2024-01-01\.1 also in"):
        load_rule_sets(data_dir)


def test_province_can_override_a_default_rule_by_id(data_dir: Path) -> None:
    extra = (
        '\n[[own_risk.rules]]\nid = "natura2000-winter-0"\narea_types = ["natura2000"]\n'
        'rate = 0.5\nsource = "DOMAIN.md §4.5"\nconfidence = "assumed"\n'
    )
    (data_dir / "fl-2024-01-01.toml").write_text(
        (data_dir / "fl-2024-01-01.toml").read_text(encoding="utf-8") + extra, encoding="utf-8"
    )
    rule_set = rule_set_for("FL", date(2025, 7, 1), load_rule_sets(data_dir))
    ids = [rule.id for rule in rule_set.own_risk.rules]
    assert ids.count("natura2000-winter-0") == 1
    assert rule_set.own_risk_rule("ree", "natura2000", date(2025, 7, 1)).rate == Decimal("0.5")
