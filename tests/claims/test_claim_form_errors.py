"""The claim form's errors (issue 14): each next to its field, a summary naming the fields by
their labels and linking to inputs that exist, every problem found in one round."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from faunaschade.models import Claim, FarmerProfile, Parcel, Tenure
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.farmers import recent_workday


@pytest.fixture
def farmer_page(app, session, farmer):
    """A logged-in farmer's browser-like client and two parcels: grassland owned, one rented."""
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    own = Parcel(
        farmer_id=profile.id,
        name="Noord",
        area_ha=Decimal("2"),
        crop="blijvend_grasland",
        tenure=Tenure.OWN,
    )
    rented = Parcel(
        farmer_id=profile.id,
        name="Zuid",
        area_ha=Decimal("3"),
        crop="blijvend_grasland",
        tenure=Tenure.RENT,
    )
    session.add_all([own, rented])
    session.flush()
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": farmer.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return client, own, rented


def _post(client, data):
    token = csrf_token_from(client.get("/aanvragen/nieuw").get_data(as_text=True))
    return client.post("/aanvragen/nieuw", data={**data, "csrf_token": token})


def _summary(html: str) -> str:
    start = html.index('class="error-summary"')
    return html[start : html.index("</div>", start)]


def _links(summary: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_row_errors_are_named_by_parcel_and_link_to_inputs_that_exist(session, farmer_page):
    client, own, _ = farmer_page
    answer = _post(
        client,
        {
            "province": "FR",
            "crop": "blijvend_grasland",
            "discovered_on": recent_workday().isoformat(),
            "species": ["grauwe_gans"],
            f"include_{own.id}": "1",
            f"damaged_area_{own.id}": "veel",
        },
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    links = _links(_summary(html))
    assert links == [
        (f"f-damaged_area_ha_{own.id}", "Perceel &#39;Noord&#39;: beschadigde oppervlakte (ha)")
    ]
    for anchor, _label in links:
        assert f'id="{anchor}"' in html
    # The message sits next to the damaged-area input and is tied to it.
    field = re.search(rf'<input[^>]*id="f-damaged_area_ha_{own.id}"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in field
    assert f'aria-describedby="f-damaged_area_ha_{own.id}-error"' in field
    assert 'value="veel"' in field
    assert "damaged_area_ha_" not in re.sub(r'(href|id|for|aria-describedby)="[^"]*"', "", html)


def test_schema_and_business_rule_errors_come_in_one_round(session, farmer_page):
    client, own, rented = farmer_page
    answer = _post(
        client,
        {
            "province": "FR",
            "crop": "blijvend_grasland",
            "discovered_on": "morgen",  # the schema refuses it…
            f"include_{own.id}": "1",
            f"damaged_area_{own.id}": "5",  # …the business rules this (larger than the parcel)
            f"include_{rented.id}": "1",
            f"damaged_area_{rented.id}": "1",  # …and this (rented), in the same answer
            "description": "x" * 5001,
        },
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    labels = dict(_links(_summary(html)))
    assert set(labels) == {
        "f-discovered_on",
        "species-" + next(iter(re.findall(r'id="species-([a-z_]+)"', html))),
        f"f-damaged_area_ha_{own.id}",
        f"f-parcel_id_{rented.id}",
        "f-description",
    }
    assert labels[f"f-parcel_id_{rented.id}"] == "Perceel &#39;Zuid&#39;: perceel"
    assert "Groter dan het perceel zelf" in html and "is gehuurd" in html
    assert "Gebruik 0 tot 5000 tekens." in html
    for anchor in labels:
        assert f'id="{anchor}"' in html
    # What was typed stays.
    assert 'value="morgen"' in html and f'name="include_{rented.id}" value="1" checked' in html
    assert session.scalar(select(func.count()).select_from(Claim)) == 0


def test_the_summary_takes_the_focus(farmer_page):
    client, *_ = farmer_page
    html = _post(client, {}).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*>', html)[0]
    assert 'tabindex="-1"' in summary and "autofocus" in summary and 'role="alert"' in summary
    assert '<script src="/static/js/forms.js" defer></script>' in html
