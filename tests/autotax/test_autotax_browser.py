"""The farmer's autotax page in a real Chromium: a parcel without an outline is refused by name
in place (the summary has the focus, the ticks stay), the other is registered and listed with
the province's deadline, and withdrawn again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from faunaschade.extensions import db
from faunaschade.gis.geometry import area_ha, rd_geojson
from faunaschade.models import (
    AutotaxRegistration,
    Parcel,
    ParcelSource,
    Tenure,
)
from tests.support.browser import logged_in
from tests.support.farmers import make_farm
from tests.support.gis import rd_box

pytestmark = pytest.mark.browser


@pytest.fixture
def farm(committed) -> None:
    with committed.app_context():
        profile = make_farm(
            "boer@example.nl", "Boer", "Boerderij De Greide", "Greide 1", "8501 AA", "Joure"
        )
        shape = rd_box(180_100, 570_100, 200, 100)
        db.session.add_all(
            [
                Parcel(
                    farmer_id=profile.id,
                    name="Noord",
                    area_ha=area_ha(shape),
                    crop="blijvend_grasland",
                    province="FR",
                    tenure=Tenure.OWN,
                    geometry=rd_geojson(shape),
                    source=ParcelSource.DRAWN,
                ),
                Parcel(
                    farmer_id=profile.id,
                    name="Kaal",
                    area_ha=Decimal("3"),
                    crop="blijvend_grasland",
                    province="FR",
                    tenure=Tenure.OWN,
                ),
            ]
        )
        db.session.commit()


def test_the_farmer_registers_a_parcel_for_autotax_and_withdraws_it(
    browser, live_server, committed, farm
):
    context, page = logged_in(browser, live_server, "boer@example.nl")
    page.get_by_role("link", name="Autotax").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Autotax: percelen aanmelden")

    page.get_by_label("Provincie en schadejaar").select_option("FR-2027")
    page.get_by_label("Noord").check()
    page.get_by_label("Kaal").check()
    page.get_by_role("button", name="Percelen aanmelden voor autotax").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Perceel 'Kaal'")
    expect(link).to_be_visible()
    expect(summary).to_contain_text("heeft geen omtrek")
    expect(page.get_by_label("Noord")).to_be_checked()
    link.click()
    expect(page.get_by_label("Kaal")).to_be_focused()
    page.get_by_label("Kaal").uncheck()
    page.get_by_role("button", name="Percelen aanmelden voor autotax").click()

    expect(page.get_by_text("1 perceel/percelen aangemeld voor autotax.")).to_be_visible()
    row = page.get_by_role("row", name="Noord")
    expect(row).to_contain_text("Fryslân")
    expect(row).to_contain_text("15 maart 2027")
    with committed.app_context():
        assert db.session.scalars(select(AutotaxRegistration.damage_year)).all() == [2027]

    row.get_by_role("button", name="Intrekken").click()
    expect(page.get_by_text("De aanmelding is ingetrokken.")).to_be_visible()
    expect(page.get_by_text("U heeft nog geen percelen aangemeld.")).to_be_visible()
    context.close()
