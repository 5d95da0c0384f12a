"""Fewer questions (issue 14): a crop claim's province and crop come from the parcels chosen,
and are asked only when those disagree or have none registered; the API keeps taking them."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from faunaschade.models import Claim, FarmerProfile, Parcel, Tenure
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.farmers import claim_body, parcel_body, recent_workday, register_and_login


@pytest.fixture
def farm(app, session, farmer):
    """A logged-in farmer's browser-like client and parcels by name: Noord and Zuid (Fryslân,
    snijmaïs), Oost (Groningen, snijmaïs), Wei (Fryslân, grasland), Los (no province)."""
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    parcels = {
        name: Parcel(
            farmer_id=profile.id,
            name=name,
            area_ha=Decimal("4"),
            crop=crop,
            province=province,
            tenure=Tenure.OWN,
        )
        for name, province, crop in [
            ("Noord", "FR", "snijmais"),
            ("Zuid", "FR", "snijmais"),
            ("Oost", "GR", "snijmais"),
            ("Wei", "FR", "blijvend_grasland"),
            ("Los", None, "snijmais"),
        ]
    }
    session.add_all(parcels.values())
    session.flush()
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": farmer.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return client, parcels


def _form(*chosen: Parcel, **fields) -> dict:
    data = {
        "discovered_on": recent_workday().isoformat(),
        "species": ["wild_zwijn"],
        "preventive_measures": ["acoustic", "visual"],
        **fields,
    }
    for parcel in chosen:
        data[f"include_{parcel.id}"] = "1"
        data[f"damaged_area_{parcel.id}"] = "1,5"
    return data


def _post(client, data):
    token = csrf_token_from(client.get("/aanvragen/nieuw").get_data(as_text=True))
    return client.post("/aanvragen/nieuw", data={**data, "csrf_token": token})


def _asked(html: str, name: str) -> bool:
    """Whether the page shows the question: its box is not hidden and its select takes part."""
    box = re.search(rf'<div[^>]*id="ask-{name}"[^>]*>', html)[0]
    select_tag = re.search(rf'<select[^>]*id="f-{name}"[^>]*>', html)[0]
    assert ("hidden" in box) == ("disabled" in select_tag), (box, select_tag)
    return "hidden" not in box


def _summary(html: str) -> str:
    start = html.index('class="error-summary"')
    return html[start : html.index("</div>", start)]


def _claims(session) -> int:
    return session.scalar(select(func.count()).select_from(Claim))


def test_the_new_form_asks_neither_question_until_the_parcels_are_known(farm):
    client, _ = farm
    html = client.get("/aanvragen/nieuw").get_data(as_text=True)
    assert not _asked(html, "province") and not _asked(html, "crop")


def test_two_parcels_of_one_province_and_crop_ask_nothing_and_give_the_claim_both(session, farm):
    client, parcels = farm
    answer = _post(client, _form(parcels["Noord"], parcels["Zuid"]))
    assert answer.status_code == 302, _summary(answer.get_data(as_text=True))
    claim = session.scalar(select(Claim))
    assert (claim.province, claim.crop) == ("FR", "snijmais")
    assert sorted(p.parcel.name for p in claim.parcels) == ["Noord", "Zuid"]
    # Its edit form asks neither either: the parcels still say both.
    html = client.get(f"/aanvragen/{claim.id}/bewerken").get_data(as_text=True)
    assert not _asked(html, "province") and not _asked(html, "crop")


def test_parcels_in_two_provinces_ask_the_province_by_name_keeping_what_was_typed(session, farm):
    client, parcels = farm
    noord, oost = parcels["Noord"], parcels["Oost"]
    answer = _post(client, _form(noord, oost, description="Zwijnen."))
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert _asked(html, "province") and not _asked(html, "crop")
    summary = _summary(html)
    assert '<a href="#f-province">Provincie</a>' in summary
    assert "verschillende provincies (Fryslân en Groningen)" in summary
    select_tag = re.search(r'<select[^>]*id="f-province"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in select_tag
    for parcel in (noord, oost):
        assert f'name="include_{parcel.id}" value="1"' in html
        box = re.search(rf'<input[^>]*name="include_{parcel.id}"[^>]*>', html)[0]
        assert " checked" in box
        assert re.search(rf'name="damaged_area_{parcel.id}"[^>]*value="1,5"', html)
    assert ">Zwijnen.</textarea>" in html
    assert _claims(session) == 0

    # The farmer answers: the claim is Groningen's, both parcels on it.
    answer = _post(client, _form(noord, oost, province="GR", description="Zwijnen."))
    assert answer.status_code == 302
    claim = session.scalar(select(Claim))
    assert (claim.province, claim.crop) == ("GR", "snijmais")


def test_a_parcel_without_a_province_asks_it(session, farm):
    client, parcels = farm
    html = _post(client, _form(parcels["Noord"], parcels["Los"])).get_data(as_text=True)
    assert _asked(html, "province") and not _asked(html, "crop")
    assert "bij perceel &#39;Los&#39; is geen provincie vastgelegd" in _summary(html)
    assert _claims(session) == 0


def test_parcels_of_two_crops_ask_the_crop_and_then_name_the_odd_parcel(session, farm):
    client, parcels = farm
    noord, wei = parcels["Noord"], parcels["Wei"]
    html = _post(client, _form(noord, wei)).get_data(as_text=True)
    assert _asked(html, "crop") and not _asked(html, "province")
    assert "verschillende teelten" in _summary(html)
    html = _post(client, _form(noord, wei, crop="snijmais")).get_data(as_text=True)
    assert f'<a href="#f-parcel_id_{wei.id}">' in _summary(html)
    assert "één teelt per aanvraag" in _summary(html)
    assert _claims(session) == 0


def test_no_parcel_chosen_asks_for_parcels_not_the_province(farm):
    client, _ = farm
    html = _post(client, _form()).get_data(as_text=True)
    summary = _summary(html)
    assert "Percelen met schade" in summary and "Provincie" not in summary
    assert not _asked(html, "province")


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api_farm(client, session):
    farmer = register_and_login(client)

    def parcel(**fields) -> int:
        answer = client.post("/api/v1/parcels", json=parcel_body(**fields), headers=farmer)
        assert answer.status_code == 201, answer.json
        return answer.json["id"]

    return farmer, parcel


def _lines(*parcel_ids: int) -> list[dict]:
    return [{"parcel_id": i, "damaged_area_ha": "1", "area_type": "regular"} for i in parcel_ids]


def test_the_api_derives_province_and_crop_when_the_body_leaves_them_out(client, api_farm):
    farmer, parcel = api_farm
    first, second = parcel(province="NB", crop="snijmais"), parcel(province="NB", crop="snijmais")
    body = claim_body(first, parcels=_lines(first, second))
    del body["province"], body["crop"]
    answer = client.post("/api/v1/claims", json=body, headers=farmer)
    assert answer.status_code == 201, answer.json
    assert (answer.json["province"], answer.json["crop"]) == ("NB", "snijmais")
    assert client.get(f"/api/v1/parcels/{first}", headers=farmer).json["province"] == "NB"


def test_the_api_names_the_field_an_explicit_value_contradicts(client, session, api_farm):
    farmer, parcel = api_farm
    first = parcel(province="NB", crop="snijmais")
    body = claim_body(first, province="LI", crop="blijvend_grasland")
    answer = client.post("/api/v1/claims", json=body, headers=farmer)
    assert answer.status_code == 422
    fields = answer.json["error"]["fields"]
    assert fields["province"] == ["De gekozen percelen liggen in Noord-Brabant, niet in Limburg."]
    assert fields["crop"] == ["Op de gekozen percelen staat snijmaïs, niet blijvend grasland."]
    assert _claims(session) == 0


def test_the_api_asks_for_what_the_parcels_cannot_tell(client, session, api_farm):
    farmer, parcel = api_farm
    first, second = parcel(province="NB"), parcel(province="LI")
    body = claim_body(first, parcels=_lines(first, second))
    del body["province"]
    answer = client.post("/api/v1/claims", json=body, headers=farmer)
    assert answer.status_code == 422
    assert "(Limburg en Noord-Brabant)" in answer.json["error"]["fields"]["province"][0]
    # A province neither parcel lies in is no answer; one of theirs is.
    answer = client.post("/api/v1/claims", json={**body, "province": "UT"}, headers=farmer)
    assert answer.json["error"]["fields"]["province"] == [
        "Kies een van de provincies van de gekozen percelen: Limburg of Noord-Brabant."
    ]
    answer = client.post("/api/v1/claims", json={**body, "province": "LI"}, headers=farmer)
    assert answer.status_code == 201, answer.json
    assert answer.json["province"] == "LI"


def test_a_parcels_province_is_one_of_the_twelve_or_none(client, api_farm):
    farmer, parcel = api_farm
    answer = client.post("/api/v1/parcels", json=parcel_body(province="XX"), headers=farmer)
    assert answer.status_code == 422
    assert "province" in answer.json["error"]["fields"]
    parcel_id = parcel(province="UT")
    cleared = client.patch(f"/api/v1/parcels/{parcel_id}", json={"province": None}, headers=farmer)
    assert cleared.status_code == 200, cleared.json
    assert cleared.json["province"] is None


def test_a_patch_of_the_parcels_takes_the_province_of_the_new_parcels(client, api_farm):
    farmer, parcel = api_farm
    first, second = parcel(province="NB"), parcel(province="LI")
    body = claim_body(first)
    del body["province"]
    claim = client.post("/api/v1/claims", json=body, headers=farmer).json
    assert claim["province"] == "NB"
    patched = client.patch(
        f"/api/v1/claims/{claim['id']}", json={"parcels": _lines(second)}, headers=farmer
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["province"] == "LI"
