"""Bad input: each invalid field gets its own message naming it, and nothing is stored."""

import pytest
from sqlalchemy import func, select

from faunaschade.models import Claim, FarmerProfile, Parcel, User
from tests.support.farmers import claim_body, parcel_body, register_and_login, registration


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("email", "geen-email", "e-mailadres"),
        ("password", "kort", "12 tekens"),
        ("name", "", "tekens"),
        ("kvk", "1234567", "8 cijfers"),
        ("kvk", "1234567a", "8 cijfers"),
        ("iban", "NL91ABNA0417164301", "controlegetal"),
        ("iban", "12345", "geen geldig IBAN"),
        ("address", "", "tekens"),
        ("postcode", "12345", "4 cijfers en 2 letters"),
        ("postcode", "0123 AB", "4 cijfers en 2 letters"),
        ("city", "", "tekens"),
    ],
)
def test_each_bad_registration_field_is_named(client, session, field, value, expected):
    response = client.post("/api/v1/register", json=registration(**{field: value}))
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert list(fields) == [field]
    assert expected in " ".join(fields[field])
    assert _count(session, User) == 0 and _count(session, FarmerProfile) == 0


@pytest.mark.parametrize("field", list(registration()))
def test_each_missing_registration_field_is_named(client, session, field):
    body = registration()
    del body[field]
    response = client.post("/api/v1/register", json=body)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {field: ["Dit veld is verplicht."]}


def test_all_bad_fields_reported_at_once_and_unknown_fields_refused(client, session):
    body = registration(kvk="12", iban="NL00", postcode="x", bsn="123456782")
    fields = client.post("/api/v1/register", json=body).json["error"]["fields"]
    assert set(fields) == {"kvk", "iban", "postcode", "bsn"}
    assert fields["bsn"] == ["Onbekend veld."]


def test_kvk_keeps_its_leading_zeros_and_postcode_is_normalised(client, session):
    register_and_login(client, kvk="00012345", postcode="1234ab", iban="nl91abna0417164300")
    profile = session.scalar(select(FarmerProfile))
    assert (profile.kvk, profile.postcode, profile.iban) == (
        "00012345",
        "1234 AB",
        "NL91ABNA0417164300",
    )


def test_duplicate_email_is_not_registered_and_not_revealed(client, session):
    register_and_login(client)
    again = client.post("/api/v1/register", json=registration(kvk="76543210"))
    # The same answer as for a new address (accounts/test_account_abuse.py), but no second account.
    assert again.status_code == 202
    assert _count(session, User) == 1 and _count(session, FarmerProfile) == 1


SQUARE = [[5.0, 52.0], [5.0014, 52.0], [5.0014, 52.0009], [5.0, 52.0009], [5.0, 52.0]]


@pytest.mark.parametrize(
    ("override", "field", "expected"),
    [
        ({"area_ha": "0"}, "area_ha", "groter dan 0"),
        ({"area_ha": "veel"}, "area_ha", "Geef een getal"),
        ({"crop": "bananen"}, "crop", "Onbekende teelt"),
        ({"tenure": "borrowed"}, "tenure", "Onbekende gebruiksvorm"),
        ({"name": ""}, "name", "tekens"),
        ({"geometry": {"type": "Point", "coordinates": [5, 52]}}, "geometry", "Polygon"),
        (
            {"geometry": {"type": "Polygon", "coordinates": [SQUARE[:-1]]}},
            "geometry",
            "niet gesloten",
        ),
        (
            {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[52.0, 5.0], [52.1, 5.0], [52.1, 5.1], [52.0, 5.0]]],
                }
            },
            "geometry",
            "niet in Nederland",
        ),
        (
            {"geometry": {"type": "Polygon", "coordinates": [SQUARE]}, "area_ha": "50"},
            "area_ha",
            "past niet bij",
        ),
    ],
)
def test_each_bad_parcel_field_is_named(client, session, override, field, expected):
    farmer = register_and_login(client)
    response = client.post("/api/v1/parcels", json=parcel_body(**override), headers=farmer)
    assert response.status_code == 422, response.json
    assert expected in " ".join(response.json["error"]["fields"][field])
    assert _count(session, Parcel) == 0


def test_parcel_geometry_area_is_shown(client, session):
    farmer = register_and_login(client)
    body = parcel_body(area_ha="1.0", geometry={"type": "Polygon", "coordinates": [SQUARE]})
    parcel = client.post("/api/v1/parcels", json=body, headers=farmer)
    assert parcel.status_code == 201, parcel.json
    assert 0.9 < float(parcel.json["geometry_area_ha"]) < 1.0


@pytest.fixture
def farmer_with_parcel(client, session):
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    return farmer, parcel["id"]


@pytest.mark.parametrize(
    ("override", "field", "expected"),
    [
        ({"province": "XX"}, "province", "Onbekende provincie"),
        ({"crop": "bananen"}, "crop", "Onbekende teelt"),
        ({"discovered_on": "3-3-2025"}, "discovered_on", "JJJJ-MM-DD"),
        ({"discovered_on": "2099-01-01"}, "discovered_on", "toekomst"),
        ({"discovered_on": "2019-05-01"}, "discovered_on", "geen regeling"),
        ({"species": []}, "species", "minstens 1"),
        ({"species": ["eenhoorn"]}, "species[0]", "Onbekende diersoort"),
        ({"species": ["wolf"]}, "species[0]", "Onbekende diersoort"),
        ({"species": ["kolgans", "kolgans"]}, "species", "één keer"),
        ({"parcels": []}, "parcels", "minstens 1"),
        ({"preventive_measures": ["bidden"]}, "preventive_measures[0]", "Onbekende preventieve"),
        ({"description": "x" * 5001}, "description", "tekens"),
    ],
)
def test_each_bad_claim_field_is_named(
    client, session, farmer_with_parcel, override, field, expected
):
    farmer, parcel_id = farmer_with_parcel
    response = client.post("/api/v1/claims", json=claim_body(parcel_id, **override), headers=farmer)
    assert response.status_code == 422, response.json
    assert expected in " ".join(response.json["error"]["fields"][field])
    assert _count(session, Claim) == 0


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        ({"damaged_area_ha": "9"}, "parcels[0].damaged_area_ha", "Groter dan het perceel"),
        ({"damaged_area_ha": "-1"}, "parcels[0].damaged_area_ha", "groter dan 0"),
        ({"area_type": "moeras"}, "parcels[0].area_type", "Onbekende gebiedstype"),
        ({"parcel_id": 999999}, "parcels[0].parcel_id", "Onbekend perceel"),
        ({"parcel_id": "abc"}, "parcels[0].parcel_id", "nummer van een perceel"),
    ],
)
def test_each_bad_claim_parcel_field_is_named(
    client, session, farmer_with_parcel, line, field, expected
):
    farmer, parcel_id = farmer_with_parcel
    body = claim_body(parcel_id)
    body["parcels"][0].update(line)
    response = client.post("/api/v1/claims", json=body, headers=farmer)
    assert response.status_code == 422, response.json
    assert expected in " ".join(response.json["error"]["fields"][field])
    assert _count(session, Claim) == 0


def test_parcel_with_another_crop_is_refused(client, session, farmer_with_parcel):
    farmer, parcel_id = farmer_with_parcel
    response = client.post(
        "/api/v1/claims", json=claim_body(parcel_id, crop="snijmais"), headers=farmer
    )
    # The crop the body gives contradicts its parcel's: the field is named (issue 14).
    assert response.json["error"]["fields"] == {
        "crop": ["Op de gekozen percelen staat blijvend grasland, niet snijmaïs."]
    }


def test_another_farmers_parcel_is_unknown(client, session, farmer_with_parcel):
    _, parcel_id = farmer_with_parcel
    other = register_and_login(client, email="piet@boerderij.nl", kvk="76543210")
    response = client.post("/api/v1/claims", json=claim_body(parcel_id), headers=other)
    assert response.status_code == 422
    assert "Onbekend perceel" in response.json["error"]["fields"]["parcels[0].parcel_id"][0]
    assert client.get(f"/api/v1/parcels/{parcel_id}", headers=other).status_code == 404


def test_upload_is_checked_by_content_not_name(client, session, farmer_with_parcel):
    import io

    farmer, parcel_id = farmer_with_parcel
    claim = client.post("/api/v1/claims", json=claim_body(parcel_id), headers=farmer).json
    fake = client.post(
        f"/api/v1/claims/{claim['id']}/attachments",
        headers=farmer,
        data={"file": (io.BytesIO(b"MZ\x90\x00 not a photo"), "foto.jpg")},
    )
    assert fake.status_code == 422
    assert "JPEG, PNG" in fake.json["error"]["fields"]["file"][0]
    missing = client.post(f"/api/v1/claims/{claim['id']}/attachments", headers=farmer, data={})
    assert missing.status_code == 422 and "file" in missing.json["error"]["fields"]
