"""The farmer's parcels from RVO's file: GML, Shapefile zip and GeoJSON read, listed with their
problems, and only the parcels picked added; hostile files refused by name, nothing stored."""

import io
import json
import zipfile

import pytest
from shapely.geometry import Polygon
from sqlalchemy import func, select

from faunaschade.models import AuditEvent, Parcel, ParcelImport, ParcelSource
from tests.support.farmers import register_and_login
from tests.support.gis import (
    X,
    Y,
    feature_collection,
    rd_box,
    rvo_gml,
    rvo_parcels,
    shapefile_zip,
    upload,
)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def farmer(client, session):
    return register_and_login(client)


def test_rvo_gml_lists_three_parcels_and_refuses_the_self_intersecting_one(client, session, farmer):
    response = upload(client, farmer, rvo_gml())
    assert response.status_code == 201, response.json
    found = response.json
    rows = {row["id"]: row for row in found["parcels"]}
    assert list(rows) == ["perceel.1", "perceel.2", "perceel.3"]
    noord, zuid, vlinder = rows.values()
    # 200 × 100 m and 150 × 100 m in RD New: exact hectares.
    assert (noord["name"], noord["area_ha"], noord["crop"], noord["province"]) == (
        "Noord",
        "2.0000",
        "blijvend_grasland",
        "FR",
    )
    assert noord["problems"] == [] and noord["can_add"] is True
    # Gewascode 2014 is not one we map: the farmer is asked for the crop.
    assert (zuid["area_ha"], zuid["crop"], zuid["crop_code"]) == ("1.5000", None, "2014")
    assert vlinder["can_add"] is False
    assert vlinder["problems"] == [
        "Perceel 'Vlinder' (perceel.3): de omtrek snijdt zichzelf (x 186050, y 552350 in RD New)"
    ]
    assert _count(session, Parcel) == 0  # nothing added before the farmer picks


def test_the_parcels_picked_are_added_with_their_source(client, session, farmer):
    token = upload(client, farmer, rvo_gml(), "Mijn percelen 2025.gml").json["token"]
    body = {
        "token": token,
        "parcels": [
            {"id": "perceel.1"},
            {"id": "perceel.2", "crop": "aardappel", "tenure": "lease"},
        ],
    }
    response = client.post("/api/v1/parcels/import/confirm", json=body, headers=farmer)
    assert response.status_code == 201, response.json
    added = {p["name"]: p for p in response.json}
    assert added["Noord"]["area_ha"] == "2.0000" and added["Noord"]["crop"] == "blijvend_grasland"
    assert added["Zuid"]["crop"] == "aardappel" and added["Zuid"]["tenure"] == "lease"
    assert added["Zuid"]["geometry_area_ha"] == "1.5000"
    assert {(p["source"], p["source_file"], p["source_feature"]) for p in added.values()} == {
        ("import", "Mijn percelen 2025.gml", "perceel.1"),
        ("import", "Mijn percelen 2025.gml", "perceel.2"),
    }
    parcel = session.scalar(select(Parcel).where(Parcel.name == "Noord"))
    assert parcel.source == ParcelSource.IMPORT and parcel.province == "FR"
    events = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("parcel%")))
    assert sorted(events) == ["parcel.created", "parcel.created", "parcel_import.read"]

    # Used once; a second confirm is refused, and reading the file again marks them as added.
    again = client.post("/api/v1/parcels/import/confirm", json=body, headers=farmer)
    assert again.status_code == 409
    rows = upload(client, farmer, rvo_gml()).json["parcels"]
    assert "al toegevoegd als perceel 'Noord'" in rows[0]["problems"][0]
    assert _count(session, Parcel) == 2


@pytest.mark.parametrize(
    ("choice", "field", "expected"),
    [
        ({"id": "perceel.3"}, "parcels[0].id", "snijdt zichzelf"),
        ({"id": "perceel.2"}, "parcels[0].crop", "Kies de teelt van perceel 'Zuid'"),
        ({"id": "perceel.9"}, "parcels[0].id", "Onbekend perceel"),
        ({"id": "perceel.1", "crop": "bananen"}, "parcels.0.crop", "Onbekende teelt"),
        ({"id": "perceel.1", "tenure": "borrowed"}, "parcels.0.tenure", "Onbekende gebruiksvorm"),
    ],
)
def test_a_bad_choice_names_its_field_and_adds_nothing(
    client, session, farmer, choice, field, expected
):
    token = upload(client, farmer, rvo_gml()).json["token"]
    body = {"token": token, "parcels": [{"id": "perceel.1"}, choice][1:]}
    response = client.post("/api/v1/parcels/import/confirm", json=body, headers=farmer)
    assert response.status_code == 422, response.json
    fields = response.json["error"]["fields"]
    flat = {k.replace("[", ".").replace("]", ""): v for k, v in fields.items()}
    assert expected in " ".join(
        flat.get(field.replace("[", ".").replace("]", ""), fields.get(field, []))
    )
    assert _count(session, Parcel) == 0


def test_another_farmers_file_is_not_found(client, session, farmer):
    token = upload(client, farmer, rvo_gml()).json["token"]
    other = register_and_login(client, email="piet@boerderij.nl", kvk="76543210")
    body = {"token": token, "parcels": [{"id": "perceel.1"}]}
    assert (
        client.post("/api/v1/parcels/import/confirm", json=body, headers=other).status_code == 404
    )


def test_a_shapefile_zip_made_by_gdal_is_read(client, session, farmer, tmp_path):
    response = upload(client, farmer, shapefile_zip(tmp_path), "percelen.zip")
    assert response.status_code == 201, response.json
    rows = response.json["parcels"]
    assert [(r["name"], r["area_ha"], r["crop"], r["province"]) for r in rows] == [
        ("Noord", "2.0000", "blijvend_grasland", "FR"),
        ("Zuid", "1.5000", None, "FR"),
    ]
    assert all(r["problems"] == [] for r in rows)


def test_a_shapefile_in_degrees_without_a_prj_is_refused_as_outside_the_netherlands(
    client, session, farmer, tmp_path
):
    degrees = [
        {
            **rvo_parcels()[0],
            "geometry": Polygon([(5.0, 52.0), (5.01, 52.0), (5.01, 52.01), (5.0, 52.0)]),
        }
    ]
    content = shapefile_zip(tmp_path, degrees, crs=None)
    rows = upload(client, farmer, content, "percelen.zip").json["parcels"]
    assert "ligt niet in Nederland (RD New" in rows[0]["problems"][0]


def test_geojson_in_wgs84_and_with_a_crs_member(client, session, farmer):
    wgs84 = Polygon([(5.0, 52.0), (5.0014, 52.0), (5.0014, 52.0009), (5.0, 52.0009)])
    rows = upload(client, farmer, feature_collection([("a", wgs84)], crs=None), "a.geojson").json[
        "parcels"
    ]
    assert rows[0]["area_ha"] == "0.9627" and rows[0]["province"] == "UT"
    rd = feature_collection([("b", rd_box(X, Y, 100, 100))], crs="EPSG:28992")
    rows = upload(client, farmer, rd, "b.json").json["parcels"]
    assert rows[0]["area_ha"] == "1.0000" and rows[0]["province"] == "FR"


def _zip(members: dict[str, bytes]) -> bytes:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return packed.getvalue()


_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0"><wfs:member>&xxe;</wfs:member></wfs:FeatureCollection>"""
_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{"&lol;" * 10 if i == 1 else f"&lol{i - 1};" * 10}">'.encode()
        for i in range(1, 9)
    )
    + b"]><lolz>&lol8;</lolz>"
)
_MANY = feature_collection([(f"f{i}", rd_box(X, Y, 10, 10)) for i in range(10_000)])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"PK\x03\x04" + b"\x00" * 200, "beschadigd of geen zip"),
        (_zip({"percelen.shp": b"\x00" * 60_000_000}), "onredelijke grootte"),
        (_zip({"leesmij.txt": b"hallo"}), ".shp, .shx en .dbf"),
        (
            _zip({"percelen.shp": b"rommel", "percelen.shx": b"rommel", "percelen.dbf": b"rommel"}),
            "kan niet worden gelezen",
        ),
        (_MANY, "te veel percelen: hoogstens 500"),
        (rvo_gml()[:-40], "geen geldige XML"),
        (_XXE, "DTD of entiteiten"),
        (_LAUGHS, "DTD of entiteiten"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "lever GML, een Shapefile (als zip) of GeoJSON"),
        (b'{"type": "FeatureCollection", "features": []}', "geen percelen"),
        (b"{not json", "geen geldige GeoJSON"),
        (b"", "leeg"),
    ],
)
def test_a_hostile_or_broken_file_is_refused_by_name(client, session, farmer, content, expected):
    response = upload(client, farmer, content)
    assert response.status_code == 422, response.json
    assert list(response.json["error"]["fields"]) == ["file"]
    assert expected in response.json["error"]["fields"]["file"][0]
    assert _count(session, ParcelImport) == 0


def test_an_unsupported_crs_in_a_gml_file_is_named_on_each_parcel(client, session, farmer):
    rows = upload(client, farmer, rvo_gml(srs="EPSG:3857")).json["parcels"]
    assert all("niet ondersteund coördinatenstelsel: EPSG:3857" in r["problems"][0] for r in rows)


def test_a_wrong_crs_in_a_gml_file_is_a_problem_of_each_parcel(client, session, farmer):
    # Coordinates in RD New, but the file says WGS84: every point lies outside the Netherlands.
    rows = upload(client, farmer, rvo_gml(srs="EPSG:4326")).json["parcels"]
    assert all("ligt niet in Nederland (WGS84" in r["problems"][0] for r in rows)


def test_a_file_over_the_size_limit_is_refused(client, session, farmer):
    content = b"{" + b" " * (10 * 2**20) + b"}"
    response = upload(client, farmer, content, "groot.json")
    assert response.status_code == 422
    assert "hoogstens 10 MB" in response.json["error"]["fields"]["file"][0]


def test_the_upload_needs_a_file(client, session, farmer):
    response = client.post("/api/v1/parcels/import", data={}, headers=farmer)
    assert response.status_code == 422 and "file" in response.json["error"]["fields"]


def test_a_parcel_file_in_the_api_answer_has_no_geometry_but_the_parcel_has(
    client, session, farmer
):
    found = upload(client, farmer, rvo_gml()).json
    assert "geometry" not in found["parcels"][0]
    body = {"token": found["token"], "parcels": [{"id": "perceel.1"}]}
    parcel = client.post("/api/v1/parcels/import/confirm", json=body, headers=farmer).json[0]
    assert parcel["geometry"]["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::28992"
    assert json.dumps(parcel["geometry"]["coordinates"][0][0]) == "[186000.0, 552000.0]"
