"""A parcel's own outline (the parcel form and POST /api/v1/parcels) checked by gis: valid,
inside the Netherlands, not absurdly large, in WGS84 or RD New; measured in RD New."""

import io
import json

import pytest
from shapely.geometry import Polygon, mapping
from sqlalchemy import func, select

from faunaschade.models import Parcel
from tests.support.app import csrf_token_from, web_client
from tests.support.farmers import parcel_body, register_and_login
from tests.support.gis import BOW_TIE, X, Y, rd_box, rvo_gml

RD = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}


def _rd(shape: Polygon) -> dict:
    return {**json.loads(json.dumps(mapping(shape))), "crs": RD}


def test_an_outline_in_rd_new_is_measured_exactly_and_the_parcel_is_drawn(client, session):
    farmer = register_and_login(client)
    body = parcel_body(area_ha="2.0", geometry=_rd(rd_box(X, Y, 200, 100)))
    created = client.post("/api/v1/parcels", json=body, headers=farmer)
    assert created.status_code == 201, created.json
    assert created.json["geometry_area_ha"] == "2.0000"
    assert (created.json["source"], created.json["source_file"]) == ("drawn", None)
    typed = client.post("/api/v1/parcels", json=parcel_body(name="Zonder"), headers=farmer)
    assert typed.json["source"] == "typed"
    # Removing the outline makes the parcel typed again.
    patched = client.patch(
        f"/api/v1/parcels/{created.json['id']}", json={"geometry": None}, headers=farmer
    )
    assert patched.json["source"] == "typed"


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        (_rd(BOW_TIE), "De omtrek snijdt zichzelf"),
        (
            _rd(
                Polygon(
                    rd_box(X, Y, 100, 100).exterior.coords,
                    [rd_box(X + 200, Y, 10, 10).exterior.coords],
                )
            ),
            "Een gat ligt buiten de buitenrand",
        ),
        (_rd(rd_box(X, Y, 4000, 4000)), "is onwaarschijnlijk groot: 1600.0000 ha"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[4.40, 51.22], [4.41, 51.22], [4.41, 51.23], [4.40, 51.22]]],
            },
            "ligt (deels) buiten Nederland",
        ),
        (
            {
                **_rd(rd_box(X, Y, 10, 10)),
                "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
            },
            "EPSG:3857",
        ),
        ({**_rd(rd_box(X, Y, 10, 10)), "crs": "EPSG:28992"}, "crs: verwacht"),
        (
            _rd(Polygon([(5.0, 52.0), (5.1, 52.0), (5.1, 52.1), (5.0, 52.0)])),
            "ligt niet in Nederland (RD New, x vóór y",
        ),
        (
            {
                **_rd(rd_box(X, Y, 10, 10)),
                "coordinates": [[[X, Y], [X + 1, Y], [X, Y + 1], ["a", Y]]],
            },
            "[x, y] in meters",
        ),
    ],
)
def test_a_bad_outline_is_refused_naming_the_field(client, session, geometry, expected):
    farmer = register_and_login(client)
    response = client.post("/api/v1/parcels", json=parcel_body(geometry=geometry), headers=farmer)
    assert response.status_code == 422, response.json
    assert list(response.json["error"]["fields"]) == ["geometry"]
    assert expected in response.json["error"]["fields"]["geometry"][0]
    assert session.scalar(select(func.count()).select_from(Parcel)) == 0


def test_the_import_pages_refuse_by_name_and_keep_nothing(app, session, make_user):
    browser = web_client(app, make_user("farmer"))
    assert "Percelen inlezen uit RVO-bestand" in browser.get("/percelen").get_data(as_text=True)
    token = csrf_token_from(browser.get("/percelen/importeren").get_data(as_text=True))
    bad = browser.post(
        "/percelen/importeren",
        data={"csrf_token": token, "file": (io.BytesIO(b"<x><!ENTITY"), "a.gml")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "Perceelbestand" in bad.get_data(as_text=True)
    assert "geen geldige XML" in bad.get_data(as_text=True)
    good = browser.post(
        "/percelen/importeren",
        data={"csrf_token": token, "file": (io.BytesIO(rvo_gml()), "a.gml")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302 and "bestand=" in good.location
    page = browser.get(good.location)
    assert page.status_code == 200 and "Vlinder" in page.get_data(as_text=True)
    file_token = good.location.split("bestand=")[1]
    none = browser.post(
        "/percelen/importeren/bevestigen", data={"csrf_token": token, "token": file_token}
    )
    assert none.status_code == 422 and "Kies minstens één perceel" in none.get_data(as_text=True)
    # The bow tie cannot be ticked on the page; posted anyway, it is refused on its row.
    bow = browser.post(
        "/percelen/importeren/bevestigen",
        data={"csrf_token": token, "token": file_token, "kies": "2"},
    )
    assert bow.status_code == 422 and "snijdt zichzelf" in bow.get_data(as_text=True)
    missing = browser.post("/percelen/importeren/bevestigen", data={"csrf_token": token})
    assert missing.status_code == 422
    unknown = browser.post(
        "/percelen/importeren/bevestigen", data={"csrf_token": token, "token": "nope"}
    )
    assert unknown.status_code == 404
    assert session.scalar(select(func.count()).select_from(Parcel)) == 0
