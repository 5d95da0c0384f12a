"""The livestock price table: versioned data, validated on load, looked up by the animal."""

from datetime import date
from decimal import Decimal

import pytest

from faunaschade.rules.errors import RuleSetError
from faunaschade.rules.prices import PriceError, load_tables, price_table_for

# The rules engine reads no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only


def test_table_in_force_gives_values_by_kind_breed_sex_age_and_pregnancy():
    table = price_table_for(date(2025, 3, 1))
    assert table.illustrative is True and table.confidence == "assumed"
    ewe = table.value("schaap", "gebruiksras", "female", "volwassen")
    pregnant = table.value("schaap", "gebruiksras", "female", "volwassen", pregnant=True)
    assert ewe == Decimal("180.00") and pregnant > ewe
    assert table.value("schaap", "stamboek", "female", "volwassen") > ewe
    assert "zeldzaam_ras" in table.options("schaap")["breed_group"]


def test_unknown_animal_and_date_before_any_table_fail_clearly():
    table = price_table_for(date(2025, 3, 1))
    with pytest.raises(PriceError, match="geen prijs voor schaap, rasgroep merino"):
        table.value("schaap", "merino", "female", "volwassen")
    with pytest.raises(PriceError, match="geen prijstabel voor 2020-01-01"):
        price_table_for(date(2020, 1, 1))


def test_broken_table_names_file_and_field(tmp_path):
    (tmp_path / "livestock-2024-01-01.toml").write_text(
        'version = "X"\nvalid_from = 2024-01-01\nsource = "s"\nconfidence = "assumed"\n'
        'prices = [{ kind = "draak", breed_group = "x", sex = "female", age_class = "oud", '
        'pregnant = false, value = "1.00" }]\n'
    )
    with pytest.raises(RuleSetError, match=r"livestock-2024-01-01.toml: prices\[0\]\.kind"):
        load_tables(tmp_path)
