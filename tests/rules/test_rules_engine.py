"""The calculation of SPEC §4.2 on the shipped rule sets, beyond the worked examples."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from faunaschade.rules import NoRuleSetError, calculate, load_rule_sets, rule_set_for
from faunaschade.rules.ruleset import DATA_DIR

# The rules engine reads no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only


def part(species: str = "wild_zwijn", damage: str = "3200.00", **changes: Any) -> dict[str, Any]:
    """A crop component."""
    base = {"species": species, "area_type": "regular", "assessed_damage": damage}
    return base | {"damaged_area_ha": "1.00", "harvested_before_assessment": False} | changes


def crop(province: str = "GE", on: str = "2025-06-02", *parts: dict, **changes: Any) -> dict:
    """A crop case submitted the day after discovery, with both measures in place."""
    submitted = date.fromisoformat(on).toordinal() + 1
    return {
        "province": province,
        "kind": "crop",
        "crop": "snijmais",
        "discovered_on": on,
        "submitted_on": date.fromordinal(submitted).isoformat(),
        "preventive_measures": ["acoustic", "visual"],
        "components": list(parts) or [part()],
    } | changes


def wolf(*items: dict, **changes: Any) -> dict:
    """A livestock case reported two hours after discovery."""
    return {
        "province": "GE",
        "kind": "livestock",
        "discovered_at": "2025-08-10T06:30:00",
        "reported_at": "2025-08-10T08:30:00",
        "wolf_finding": "probable",
        "components": [{"species": "wolf", "items": list(items)}],
    } | changes


def item(kind: str, animal: str, amount: str, value: str | None = None) -> dict:
    """A livestock cost line."""
    line = {"type": kind, "animal": animal, "amount": amount}
    return line if value is None else line | {"animal_value": value}


def own_risk(case: dict) -> Decimal:
    return calculate(case).own_risk


@pytest.mark.parametrize(
    ("on", "area", "expected"),
    [
        ("2022-06-01", "regular", "2400.00"),  # 20 % from 2021-05-01
        ("2023-06-01", "regular", "2400.00"),  # still 20 %
        ("2023-12-01", "regular", "600.00"),  # back to 5 % from 2023-11-01
        ("2022-12-01", "foerageergebied", "0.00"),  # protected area beats the surcharge
        ("2022-12-01", "buffer", "0.00"),
        ("2022-06-01", "foerageergebied", "2400.00"),  # outside the winter window
        ("2023-01-10", "natura2000", "0.00"),
    ],
)
def test_noord_holland_geese(on: str, area: str, expected: str) -> None:
    case = crop("NH", on, part("grauwe_gans", "12000.00", area_type=area), crop="blijvend_grasland")
    assert own_risk(case) == Decimal(expected)


@pytest.mark.parametrize(
    ("province", "species", "on", "compensated"),
    [
        ("NH", "konijn", "2022-06-01", False),  # national list before May 2023
        ("NH", "konijn", "2023-06-01", True),
        ("NH", "houtduif", "2023-06-01", True),
        ("NH", "houtduif", "2023-11-15", False),  # hunting season [10-15, 02-01)
        ("NH", "houtduif", "2024-02-01", True),
        ("NH", "vos", "2024-06-01", False),
        ("ZH", "vos", "2025-06-02", True),
        ("ZH", "canadese_gans", "2025-06-02", False),
        ("ZH", "grauwe_gans", "2025-06-02", False),  # summer geese [03-01, 11-01)
        ("ZH", "grauwe_gans", "2025-11-03", True),
        ("FR", "roek", "2025-06-02", True),
        ("FR", "canadese_gans", "2025-06-02", True),
        ("FR", "zwarte_kraai", "2025-06-02", False),
        ("GE", "nijlgans", "2025-06-02", False),
        ("GE", "haas", "2025-10-15", False),
        ("GE", "haas", "2026-01-01", True),  # window ends before 1 January
        ("GE", "fazant", "2026-01-31", False),
        ("GE", "wilde_eend", "2025-08-14", True),
        ("GE", "wilde_eend", "2025-08-15", False),
    ],
)
def test_species_compensated(province: str, species: str, on: str, compensated: bool) -> None:
    result = calculate(crop(province, on, part(species)))
    assert result.eligible is compensated
    assert ("species_not_compensated" in result.rejection_reasons) is not compensated


@pytest.mark.parametrize(
    ("species", "area", "on", "rate"),
    [
        ("brandgans", "foerageergebied", "2025-01-13", "0"),
        ("brandgans", "regular", "2025-01-13", "0.20"),
        ("kolgans", "foerageergebied", "2025-06-02", "0.20"),  # outside the winter window
    ],
)
def test_fryslan_geese(species: str, area: str, on: str, rate: str) -> None:
    day = date.fromisoformat(on)
    assert rule_set_for("FR", day).own_risk_rule(species, area, day).rate == Decimal(rate)


@pytest.mark.parametrize(
    ("species", "on", "supplement"),
    [
        ("grauwe_gans", "2025-01-13", "75.00"),  # €50.00 × 1.5 ha
        ("brandgans", "2025-04-14", "99.99"),  # €66.66 × 1.5 ha, until 1 May
        ("kolgans", "2025-04-14", "0.00"),  # window closed on 1 April
        ("brandgans", "2025-05-01", "0.00"),
    ],
)
def test_utrecht_rest_area_supplement(species: str, on: str, supplement: str) -> None:
    component = part(species, "4000.00", area_type="rustgebied", damaged_area_ha="1.5")
    result = calculate(crop("UT", on, component, crop="blijvend_grasland"))
    assert result.supplement == Decimal(supplement)
    assert result.payout == 4000 - result.own_risk + result.supplement


def test_minimum_applies_only_to_components_with_a_rate() -> None:
    # Badger 0 %, wild boar 5 %: the €250 minimum is capped at the boar's €100 damage.
    result = calculate(
        crop("DR", "2025-06-02", part("das", "800.00"), part("wild_zwijn", "100.00"))
    )
    assert (result.own_risk, result.payout) == (Decimal("100.00"), Decimal("800.00"))
    result = calculate(
        crop("DR", "2025-06-02", part("das", "800.00"), part("wild_zwijn", "6000.00"))
    )
    assert (result.own_risk, result.payout) == (Decimal("300.00"), Decimal("6500.00"))


def test_percentage_part_rounds_per_component() -> None:
    # 5 % of 0.10 = 0.005 → 0.01 each, half up; the minimum is capped at the damage itself.
    result = calculate(crop("GE", "2025-06-02", part("wild_zwijn", "0.10"), part("ree", "0.10")))
    assert result.own_risk == Decimal("0.20")


def test_harvested_component_is_left_out() -> None:
    harvested = part("ree", "500.00", harvested_before_assessment=True)
    result = calculate(crop("GE", "2025-06-02", part(), harvested))
    assert result.eligible and result.assessed_damage == Decimal("3200.00")
    result = calculate(crop("GE", "2025-06-02", harvested, part("vos")))
    assert result.rejection_reasons == ("species_not_compensated", "harvested_before_assessment")
    assert result.assessed_damage == Decimal("0.00")


def test_all_reasons_in_step_order() -> None:
    case = crop("GE", "2025-01-06", part(), submitted_on="2025-01-16", preventive_measures=[])
    result = calculate(case)
    assert result.rejection_reasons == ("late_submission", "insufficient_prevention")
    assert result.own_risk == result.compensation == result.payout == 0


def test_submission_on_the_deadline_is_in_time() -> None:
    assert calculate(crop("GE", "2025-06-02", submitted_on="2025-06-12")).eligible
    assert not calculate(crop("GE", "2025-06-02", submitted_on="2025-06-13")).eligible


def test_permanent_grassland_needs_no_measures() -> None:
    case = crop("GE", "2025-06-02", part("grauwe_gans"), crop="blijvend_grasland")
    assert calculate(case | {"preventive_measures": []}).eligible
    assert not calculate(case | {"crop": "tijdelijk_grasland", "preventive_measures": []}).eligible


def test_reduction_is_rounded_half_up_and_compensation_never_negative() -> None:
    result = calculate(crop(reduction_pct="10", components=[part(damage="1000.05")]))
    # base 1000.05 − 250.00 = 750.05; 10 % = 75.005 → 75.01
    assert (result.reduction, result.compensation) == (Decimal("75.01"), Decimal("675.04"))
    result = calculate(crop(reduction_pct="100"))
    assert (result.compensation, result.payout, result.leges_refund) == (0, 0, 0)


def test_minimum_payout_boundary() -> None:
    assert calculate(crop(components=[part(damage="300.00")])).payout == Decimal("50.00")
    assert calculate(crop(components=[part(damage="299.99")])).payout == 0


@pytest.mark.parametrize(
    ("province", "case_changes", "refund"),
    [
        ("GE", {}, "300.00"),
        ("GE", {"preventive_measures": []}, "0.00"),
        ("OV", {"preventive_measures": []}, "336.00"),  # if_admissible: rejected but in time
        ("OV", {"submitted_on": "2025-06-13"}, "0.00"),
        ("DR", {"components": [part("das", "10.00")]}, "300.00"),  # species, no payout
        ("DR", {"components": [part("wild_zwijn", "10.00")]}, "0.00"),
        ("NB", {"submitted_on": "2025-06-13", "components": [part("das")]}, "300.00"),
        ("ZE", {}, "0.00"),
        ("LI", {}, "0.00"),
    ],
)
def test_leges_refund(province: str, case_changes: dict, refund: str) -> None:
    assert calculate(crop(province, "2025-06-02", **case_changes)).leges_refund == Decimal(refund)


def test_per_farm_year_minimum_counts_what_was_borne(tmp_path: Path) -> None:
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    defaults = data / "defaults.toml"
    defaults.write_text(
        defaults.read_text(encoding="utf-8").replace('"per_claim"', '"per_farm_year"'),
        encoding="utf-8",
    )
    rule_set = rule_set_for("GE", date(2025, 6, 2), load_rule_sets(data))
    case = crop(own_risk_borne_this_year="200.00")
    assert calculate(case, rule_set).own_risk == Decimal("160.00")  # max(160, 250 − 200)
    case = crop(own_risk_borne_this_year="20.00", components=[part(damage="1000.00")])
    assert calculate(case, rule_set).own_risk == Decimal("230.00")
    assert calculate(crop(own_risk_borne_this_year="200.00")).own_risk == Decimal("250.00")


def test_a_given_rule_set_must_cover_the_case() -> None:
    with pytest.raises(NoRuleSetError):
        calculate(crop("GE"), rule_set_for("DR", date(2025, 6, 2)))


def test_livestock_vet_costs_capped_per_animal() -> None:
    result = calculate(
        wolf(
            item("animal_value", "ooi-1", "180.00"),
            item("vet_costs", "ooi-1", "50.00"),  # killed later: capped at its own value
            item("vet_costs", "ooi-2", "150.00", "120.00"),
            item("vet_costs", "ooi-2", "40.00", "120.00"),  # 190 → 120
            item("abortion", "ooi-2", "75.00"),
            item("carcass_removal", "ooi-1", "60.00"),
        )
    )
    assert result.assessed_damage == Decimal("485.00")  # 180 + 50 + 120 + 75 + 60
    assert result.own_risk == 0 and result.payout == Decimal("485.00")
    assert (result.leges, result.leges_refund) == (0, 0)
    assert "begrensd" in next(step.description for step in result.steps if step.code == "component")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"wolf_finding": "dog"}, "not_wolf"),
        ({"wolf_finding": "unknown"}, "not_wolf"),
        ({"reported_at": "2025-08-11T06:30:01"}, "late_submission"),
    ],
)
def test_livestock_rejections(changes: dict, reason: str) -> None:
    result = calculate(wolf(item("animal_value", "ooi-1", "180.00"), **changes))
    assert result.rejection_reasons == (reason,)
    assert result.assessed_damage == Decimal("180.00") and result.payout == 0


def test_livestock_deadline_is_a_datetime_and_leges_are_never_charged() -> None:
    case = wolf(
        item("animal_value", "kalf-1", "900.00"), province="OV", reported_at="2025-08-11T06:30:00"
    )
    output = calculate(case).to_dict()
    assert output["deadline"] == "2025-08-11T06:30:00"
    assert (output["payout"], output["leges"], output["eligible"]) == ("900.00", "0.00", True)


@pytest.mark.parametrize(
    ("found", "reported", "expected"),
    [
        # UTC, as the service stores it: winter (CET) and summer (CEST).
        ("2026-01-15T05:30:00Z", "2026-01-15T19:20:00Z", ("15 januari 2026 20:20", "16 januari")),
        ("2025-08-10T04:30:00Z", "2025-08-10T06:00:00Z", ("10 augustus 2025 08:00", "11 augustus")),
        # Any other offset is the same moment, worded in Dutch time.
        (
            "2026-01-15T01:30:00-04:00",
            "2026-01-15T15:20:00-04:00",
            ("15 januari 2026 20:20", "16 januari"),
        ),
        # A naive time is taken as Dutch time already: worded as given.
        ("2025-08-10T06:30:00", "2025-08-10T08:00:00", ("10 augustus 2025 08:00", "11 augustus")),
    ],
)
def test_the_livestock_deadline_is_worded_in_dutch_time(found, reported, expected) -> None:
    case = wolf(item("animal_value", "ooi-1", "180.00"), discovered_at=found, reported_at=reported)
    step = calculate(case).steps[0]
    reported_text, deadline_day = expected
    assert step.description.startswith(f"Gemeld op {reported_text}; uiterlijk {deadline_day} ")
    assert " 06:30 (24 uur na ontdekking): tijdig" in step.description


def test_a_livestock_case_takes_the_rule_set_of_the_dutch_day() -> None:
    # 31 December 2023 23:30 UTC is 1 January 2024 00:30 in Gelderland, where a rule set starts.
    case = wolf(discovered_at="2023-12-31T23:30:00Z", reported_at="2024-01-01T01:00:00Z")
    case["components"][0]["items"] = [item("animal_value", "ooi-1", "180.00")]
    assert calculate(case).rule_set == "GE-2024-01-01.1"


def test_golden_jackal_has_no_own_risk() -> None:
    case = wolf(item("animal_value", "geit-1", "300.00"))
    case["components"][0]["species"] = "goudjakhals"
    assert calculate(case).own_risk == 0


def test_every_step_rule_has_provenance() -> None:
    for case in (
        crop("UT", "2025-01-13", part("brandgans", area_type="rustgebied")),
        wolf(item("animal_value", "a", "1")),
    ):
        result = calculate(case)
        rule_set = rule_set_for(
            case["province"], date(2025, 1, 13) if case["kind"] == "crop" else date(2025, 8, 10)
        )
        for step in result.steps:
            if step.rule:
                assert rule_set.provenance(step.rule).source.startswith("DOMAIN.md")
