"""A farmer in a real Chromium reads RVO's parcel file, picks two parcels and sees them listed
with their areas; the self-intersecting one cannot be picked and says why."""

import pytest
from playwright.sync_api import expect

from faunaschade.accounts.users import create_user
from faunaschade.extensions import db
from faunaschade.models import FarmerProfile, Role
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import log_in
from tests.support.gis import rvo_gml

pytestmark = pytest.mark.browser


@pytest.fixture
def farmer(committed):
    with committed.app_context():
        user = create_user("jan@melkvee.nl", DEMO_PASSWORD, Role.FARMER, name="Jan")
        db.session.add(
            FarmerProfile(
                user_id=user.id,
                name="Melkveebedrijf Jan",
                kvk="01234567",
                iban="NL91ABNA0417164300",
                address="Dijkweg 1",
                postcode="8501 AA",
                city="Joure",
            )
        )
        db.session.commit()


def test_farmer_imports_a_gml_file_and_adds_two_parcels(live_server, page, farmer, tmp_path):
    gml = tmp_path / "Mijn percelen.gml"
    gml.write_bytes(rvo_gml())
    log_in(page, live_server, "jan@melkvee.nl")
    page.get_by_role("link", name="Mijn percelen").click()

    page.get_by_role("link", name="Percelen inlezen uit RVO-bestand").click()
    # Without a file: the field is named.
    page.get_by_role("button", name="Bestand inlezen").click()
    expect(page.get_by_role("alert")).to_contain_text("Perceelbestand: Kies een bestand.")
    page.get_by_label("Perceelbestand").set_input_files(str(gml))
    page.get_by_role("button", name="Bestand inlezen").click()

    table = page.get_by_role("table", name="Percelen in het bestand")
    expect(table).to_contain_text("Noord")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("blijvend grasland")
    expect(rows.nth(0)).to_contain_text("2,0000 ha")
    expect(rows.nth(0)).to_contain_text("Fryslân")
    expect(rows.nth(1)).to_contain_text("1,5000 ha")
    expect(rows.nth(2)).to_contain_text("Perceel 'Vlinder' (perceel.3): de omtrek snijdt zichzelf")
    expect(page.get_by_label("Toevoegen: Vlinder")).to_be_disabled()

    page.get_by_label("Toevoegen: Noord").check()
    page.get_by_label("Toevoegen: Zuid").check()
    # Zuid's gewascode (2014) is not known: without a crop it is refused, named, ticks kept.
    page.get_by_role("button", name="Gekozen percelen toevoegen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Kies de teelt van perceel 'Zuid'")
    expect(page.get_by_label("Toevoegen: Noord")).to_be_checked()
    summary.get_by_role("link", name="Teelt van perceel 'Zuid'").click()
    expect(page.get_by_label("Teelt van perceel 'Zuid'")).to_be_focused()
    page.get_by_label("Teelt van perceel 'Zuid'").select_option(label="aardappel")
    page.get_by_label("Gebruik van perceel 'Zuid'").select_option(value="lease")
    page.get_by_role("button", name="Gekozen percelen toevoegen").click()

    expect(page.get_by_role("status")).to_contain_text(
        "2 percelen toegevoegd uit Mijn percelen.gml"
    )
    listed = page.get_by_role("table", name="Uw percelen")
    noord = listed.get_by_role("row", name="Noord")
    expect(noord).to_contain_text("2,0000 ha")
    expect(noord).to_contain_text("ingelezen uit Mijn percelen.gml")
    zuid = listed.get_by_role("row", name="Zuid")
    expect(zuid).to_contain_text("1,5000 ha")
    expect(zuid).to_contain_text("aardappel")
    expect(listed).not_to_contain_text("Vlinder")
