"""Fewer questions in a real Chromium (issue 14): province and crop come from the parcels ticked;
the question appears only when they disagree — at once with JavaScript, after saving without."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from faunaschade.accounts.users import create_user
from faunaschade.extensions import db
from faunaschade.models import Claim, FarmerProfile, Parcel, Role, Tenure
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import logged_in
from tests.support.farmers import recent_workday

pytestmark = pytest.mark.browser


@pytest.fixture
def parcel_ids(committed) -> dict[str, int]:
    """A farmer with Noord and Zuid in Fryslân and Oost in Groningen, all snijmaïs."""
    with committed.app_context():
        user = create_user("boer@example.nl", DEMO_PASSWORD, Role.FARMER, name="Boer")
        profile = FarmerProfile(
            user_id=user.id,
            name="Boer Bakker",
            kvk="01234567",
            iban="NL91ABNA0417164300",
            address="Dijk 1",
            postcode="8501 AA",
            city="Joure",
        )
        db.session.add(profile)
        db.session.flush()
        parcels = [
            Parcel(
                farmer_id=profile.id,
                name=name,
                area_ha=Decimal("4"),
                crop="snijmais",
                province=province,
                tenure=Tenure.OWN,
            )
            for name, province in [("Noord", "FR"), ("Zuid", "FR"), ("Oost", "GR")]
        ]
        db.session.add_all(parcels)
        db.session.commit()
        return {p.name: p.id for p in parcels}


def _new_claim(browser, live_server: str, *, javascript: bool):
    context, page = logged_in(
        browser, live_server, "boer@example.nl", java_script_enabled=javascript
    )
    page.goto(f"{live_server}/aanvragen/nieuw")
    page.get_by_label("Datum waarop u de schade ontdekte").fill(recent_workday().isoformat())
    page.get_by_label("wild zwijn").check()
    page.get_by_label(re.compile("^Akoestisch")).check()
    page.get_by_label(re.compile("^Visueel")).check()
    return context, page


def _tick(page, parcel_ids: dict[str, int], name: str, area: str = "1,5") -> None:
    page.get_by_label(re.compile(f"^{name}")).check()
    page.locator(f"#f-damaged_area_ha_{parcel_ids[name]}").fill(area)


def _last_claim(committed) -> tuple[str, str]:
    with committed.app_context():
        claim = db.session.scalar(select(Claim).order_by(Claim.id.desc()))
        return claim.province, claim.crop


def test_the_question_comes_and_goes_with_the_parcels_ticked(
    browser, live_server, committed, parcel_ids
):
    context, page = _new_claim(browser, live_server, javascript=True)
    province, crop = page.get_by_label("Provincie"), page.get_by_label("Teelt")
    expect(province).to_be_hidden()
    expect(crop).to_be_hidden()
    _tick(page, parcel_ids, "Noord")
    _tick(page, parcel_ids, "Zuid")
    expect(province).to_be_hidden()
    expect(crop).to_be_hidden()

    # A parcel in another province: the question appears; unticked again, it goes.
    page.get_by_label(re.compile("^Oost")).check()
    expect(province).to_be_visible()
    expect(crop).to_be_hidden()
    page.get_by_label(re.compile("^Oost")).uncheck()
    expect(province).to_be_hidden()

    page.get_by_role("button", name="Opslaan als concept").click()
    assert "opgeslagen" in page.get_by_role("status").inner_text()
    assert _last_claim(committed) == ("FR", "snijmais")
    context.close()


def test_without_javascript_the_server_asks_after_saving_and_keeps_everything(
    browser, live_server, committed, parcel_ids
):
    context, page = _new_claim(browser, live_server, javascript=False)
    expect(page.get_by_label("Provincie")).to_be_hidden()
    _tick(page, parcel_ids, "Noord")
    _tick(page, parcel_ids, "Oost", area="2")
    page.get_by_role("button", name="Opslaan als concept").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Provincie")
    expect(summary).to_contain_text("verschillende provincies (Fryslân en Groningen)")
    province = page.get_by_label("Provincie")
    expect(province).to_be_visible()
    expect(province).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Teelt")).to_be_hidden()
    expect(page.get_by_label(re.compile("^Noord"))).to_be_checked()
    expect(page.get_by_label(re.compile("^Oost"))).to_be_checked()
    expect(page.locator(f"#f-damaged_area_ha_{parcel_ids['Oost']}")).to_have_value("2")
    expect(page.get_by_label("wild zwijn")).to_be_checked()

    province.select_option(label="Groningen")
    page.get_by_role("button", name="Opslaan als concept").click()
    assert "opgeslagen" in page.get_by_role("status").inner_text()
    assert _last_claim(committed) == ("GR", "snijmais")
    context.close()
