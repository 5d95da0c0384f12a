"""The claim's map in a real Chromium (issue 16): Leaflet draws the parcel's two parts and the
foraging area around them on a plain background, under the site's Content Security Policy, and
the same figures are in the table beside it — on the farmer's and on the officer's claim page."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from shapely.geometry import mapping

from faunaschade.accounts.users import create_user
from faunaschade.claims import operations as claims
from faunaschade.extensions import db
from faunaschade.gis import layers
from faunaschade.models import Parcel, ParcelSource, Role, Tenure
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import log_in
from tests.support.farmers import make_farm
from tests.support.gis import feature_collection, rd_box

pytestmark = pytest.mark.browser

LAYER = rd_box(180_000, 570_000, 1000, 1000)
HALF_IN = rd_box(180_900, 570_400, 200, 100)


@pytest.fixture
def claim_on_the_map(committed):
    """A Fryslân foraging area, a farmer's parcel half inside it and a draft claim on it."""
    with committed.app_context():
        layers.import_layer(
            feature_collection([("fg-1", LAYER)]),
            file_name="fg.geojson",
            province="FR",
            kind="foerageergebied",
            valid_from=date(2024, 11, 1),
            valid_until=None,
            source="Provincie Fryslân, ganzenfoerageergebieden 2024",
            imported_by="test",
        )
        profile = make_farm(
            "jan@melkvee.nl", "Jan", "Melkveebedrijf Jan", "Dijkweg 1", "8501 AA", "Joure"
        )
        create_user("olga@fryslan.nl", DEMO_PASSWORD, Role.OFFICER, ("FR",), name="Olga")
        parcel = Parcel(
            farmer_id=profile.id,
            name="Half",
            area_ha=Decimal("2"),
            crop="blijvend_grasland",
            province="FR",
            tenure=Tenure.OWN,
            source=ParcelSource.DRAWN,
            geometry={
                **json.loads(json.dumps(mapping(HALF_IN))),  # lists, as stored from JSON
                "crs": {"type": "name", "properties": {"name": "EPSG:28992"}},
            },
        )
        db.session.add(parcel)
        db.session.flush()
        body = {
            "discovered_on": date(2025, 1, 10),
            "species": ["grauwe_gans"],
            "parcels": [{"parcel_id": parcel.id, "damaged_area_ha": Decimal("2")}],
            "preventive_measures": ["acoustic", "visual"],
        }
        claim = claims.create_claim(profile, body, profile.user)
        db.session.commit()
        return claim.id


def _sees_the_map_and_its_table(page, live_server, claim_id):
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server}/aanvragen/{claim_id}")
    box = page.locator("#claim-map")
    expect(box).to_have_attribute("data-drawn", "2")
    expect(box).to_have_class(re.compile(r"leaflet-container"))
    # Three shapes drawn as SVG paths: the foraging area, and the parcel's two parts.
    expect(box.locator("svg path.leaflet-interactive")).to_have_count(3)
    assert box.locator("img.leaflet-tile").count() == 0  # a plain background: no tile server
    table = page.get_by_role("table", name="Gebiedstypen volgens de kaart")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Half")
    expect(rows.nth(0)).to_contain_text("ganzenfoerageergebied")
    expect(rows.nth(0)).to_contain_text("1,0000 ha van 2,0000 ha")
    expect(rows.nth(0)).to_contain_text("Provincie Fryslân, ganzenfoerageergebieden 2024")
    expect(rows.nth(0)).to_contain_text("1 november 2024")
    expect(rows.nth(1)).to_contain_text("regulier gebied")
    expect(rows.nth(1)).to_contain_text("volgens de kaart")
    assert refused == []


def test_the_farmer_and_the_officer_see_the_map_and_its_table(live_server, page, claim_on_the_map):
    log_in(page, live_server, "jan@melkvee.nl")
    _sees_the_map_and_its_table(page, live_server, claim_on_the_map)
    # The farmer's form leaves the area type to the map and says so.
    page.goto(f"{live_server}/aanvragen/{claim_on_the_map}/bewerken")
    select = page.locator("select[name^=area_type_]")
    expect(select).to_have_value("")
    expect(select.locator("option:checked")).to_have_text("Volgens de kaart")
    page.context.clear_cookies()

    log_in(page, live_server, "olga@fryslan.nl")
    _sees_the_map_and_its_table(page, live_server, claim_on_the_map)
