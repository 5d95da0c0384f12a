"""Issue 16, second slice: a claim's area types follow from the map, not from a dropdown. A
parcel with an outline is laid over the province's layers in force on the day of discovery; a
parcel straddling a layer's boundary becomes two components split by the overlap; the figures
are kept with the claim; the assessor's lines are checked against them; the own risk follows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from shapely.geometry import mapping
from sqlalchemy import select

from faunaschade import clock, rules
from faunaschade.assessments import operations as assessments
from faunaschade.errors import ValidationFailed
from faunaschade.gis import layers
from faunaschade.models import (
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Claim,
    ClaimParcelArea,
    ClaimStatus,
)
from faunaschade.security import tile_origin
from tests.support.app import web_client
from tests.support.farmers import claim_body, parcel_body, register_and_login
from tests.support.gis import feature_collection, rd_box

#: The layer: a square kilometre of foraging area in Fryslân, in force from 1 November 2024.
LAYER = rd_box(180_000, 570_000, 1000, 1000)
#: 200 × 100 m (2 ha), its western half inside the layer.
HALF_IN = rd_box(180_900, 570_400, 200, 100)
#: 100 × 100 m (1 ha) wholly inside it, and one wholly outside it.
INSIDE = rd_box(180_200, 570_200, 100, 100)
OUTSIDE = rd_box(182_000, 570_200, 100, 100)
WINTER = "2025-01-10"  #: The FR rule set's 0 % own risk in foerageergebied runs 1 Nov – 1 Apr.


def _rd(shape) -> dict:
    return {**mapping(shape), "crs": {"type": "name", "properties": {"name": "EPSG:28992"}}}


def _layer(valid_from=date(2024, 11, 1), kind="foerageergebied", shape=LAYER, until=None):
    return layers.import_layer(
        feature_collection([("fg-1", shape)]),
        file_name="fg.geojson",
        province="FR",
        kind=kind,
        valid_from=valid_from,
        valid_until=until,
        source="Provincie Fryslân, test",
        imported_by="test",
    )


@pytest.fixture
def farm(client, session):
    """A registered farmer's bearer header and a function adding a parcel (FR, grassland)."""
    headers = register_and_login(client)

    def parcel(shape=None, **fields) -> int:
        body = parcel_body(province="FR", **fields)
        if shape is not None:
            body["geometry"] = _rd(shape)
            body["area_ha"] = str(shape.area / 10_000)
        answer = client.post("/api/v1/parcels", json=body, headers=headers)
        assert answer.status_code == 201, answer.json
        return answer.json["id"]

    return headers, parcel


def _line(parcel_id, area="2", **extra):
    return {"parcel_id": parcel_id, "damaged_area_ha": area, **extra}


def _components(answer) -> dict[str, str]:
    return {p["area_type"]: p["damaged_area_ha"] for p in answer.json["parcels"]}


def test_a_straddling_parcel_becomes_two_components_split_by_the_overlap(client, session, farm):
    headers, parcel = farm
    _layer()
    half = parcel(HALF_IN, name="Half")
    # The farmer's dropdown said "regular": the map splits the parcel all the same.
    body = claim_body(half, discovered_on=WINTER, parcels=[_line(half, "2", area_type="regular")])
    answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    assert _components(answer) == {"foerageergebied": "1.0000", "regular": "1.0000"}
    assert {p["area_check"] for p in answer.json["parcels"]} == {"map"}

    # The figures are kept with the claim: the layer, its version, the hectares of each part.
    figures = client.get(f"/api/v1/claims/{answer.json['id']}/areas", headers=headers).json
    rows = {f["area_type"]: f for f in figures["figures"]}
    assert rows["foerageergebied"]["area_ha"] == "1.0000"
    assert rows["foerageergebied"]["outline_area_ha"] == "2.0000"
    assert rows["foerageergebied"]["layer_valid_from"] == "2024-11-01"
    assert rows["foerageergebied"]["layer_source"] == "Provincie Fryslân, test"
    assert rows["regular"]["layer_id"] is None
    roles = sorted(f["properties"]["role"] for f in figures["map"]["features"])
    assert roles == ["layer", "parcel", "parcel"]
    # In WGS84 for Leaflet: longitude about 5.8, latitude about 53.1.
    lon, lat = figures["map"]["features"][-1]["geometry"]["coordinates"][0][0]
    assert 5 < lon < 7 and 52.5 < lat < 53.5

    # A damaged area of 1.5 ha is split in proportion: 0.75 / 0.75.
    patch = client.patch(
        f"/api/v1/claims/{answer.json['id']}",
        json={"parcels": [_line(half, "1.5")]},
        headers=headers,
    )
    assert patch.status_code == 200, patch.json
    assert _components(patch) == {"foerageergebied": "0.7500", "regular": "0.7500"}
    claim = session.get(Claim, answer.json["id"])
    assert len(claim.parcel_areas) == 2
    recorded = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "claim.area_types_derived", AuditEvent.claim_id == claim.id
        )
    ).all()
    assert len(recorded) == 2  # created, then updated
    assert {f["area_type"] for f in recorded[-1].data["figures"]} == {"foerageergebied", "regular"}


def test_an_area_type_the_map_does_not_give_is_refused_naming_the_field(client, session, farm):
    headers, parcel = farm
    _layer()
    inside = parcel(INSIDE, name="Binnen")
    body = claim_body(
        inside, discovered_on=WINTER, parcels=[_line(inside, "1", area_type="rustgebied")]
    )
    answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.status_code == 422
    (message,) = answer.json["error"]["fields"]["parcels[0].area_type"]
    assert "Volgens de kaart van Fryslân op 10-01-2025 ligt perceel 'Binnen' in" in message
    assert "ganzenfoerageergebied (1,0000 ha)" in message
    assert session.scalar(select(Claim.id)) is None  # nothing half-written
    # Left out, it comes from the map; the same parcel twice is refused (the map splits it).
    body["parcels"] = [_line(inside, "1")]
    answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    assert _components(answer) == {"foerageergebied": "1.0000"}
    body["parcels"] = [_line(inside, "0.5"), _line(inside, "0.5", area_type="regular")]
    again = client.post("/api/v1/claims", json=body, headers=headers)
    assert again.status_code == 422
    assert "staat al op de aanvraag" in again.json["error"]["fields"]["parcels[1].parcel_id"][0]
    # Hostile values on the field: named, never a 500.
    for bad in (["regular"], 12, "x" * 5000, None):
        body["parcels"] = [_line(inside, "1", area_type=bad)]
        answer = client.post("/api/v1/claims", json=body, headers=headers)
        assert answer.status_code == 422, (bad, answer.json)
        assert "parcels.0.area_type" in answer.json["error"]["fields"] or (
            "parcels[0].area_type" in answer.json["error"]["fields"]
        ), answer.json


def test_outside_every_layer_the_parcel_is_regular(client, farm):
    headers, parcel = farm
    _layer()
    outside = parcel(OUTSIDE, name="Buiten")
    body = claim_body(outside, discovered_on=WINTER, parcels=[_line(outside, "1")])
    answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    assert _components(answer) == {"regular": "1.0000"}
    assert answer.json["parcels"][0]["area_check"] == "map"
    # Claiming foerageergebied for it contradicts the map.
    body["parcels"] = [_line(outside, "1", area_type="foerageergebied")]
    refused = client.post("/api/v1/claims", json=body, headers=headers)
    assert refused.status_code == 422
    assert (
        "niet in ganzenfoerageergebied"
        in refused.json["error"]["fields"]["parcels[0].area_type"][0]
    )


def test_a_layer_not_yet_in_force_on_the_discovery_day_is_not_used(client, farm):
    headers, parcel = farm
    _layer(valid_from=date(2025, 11, 1))  # published for next winter
    inside = parcel(INSIDE, name="Binnen")
    body = claim_body(inside, discovered_on=WINTER, parcels=[_line(inside, "1")])
    # No layer of Fryslân in force that day: the farmer chooses, and is told why.
    answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.status_code == 422
    assert answer.json["error"]["fields"]["parcels[0].area_type"] == [
        "Kies het gebiedstype: er is geen kaart van Fryslân op 10-01-2025."
    ]
    body["parcels"] = [_line(inside, "1", area_type="regular")]
    answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    assert answer.json["parcels"][0]["area_type"] == "regular"
    assert answer.json["parcels"][0]["area_check"] == "no_layers"
    figures = client.get(f"/api/v1/claims/{answer.json['id']}/areas", headers=headers).json
    (row,) = figures["figures"]
    assert row["area_check"] == "no_layers" and row["area_ha"] is None
    assert "niet op de kaart gecontroleerd" in row["note"]


def test_a_parcel_without_outline_keeps_the_farmers_area_type_marked_unchecked(client, farm):
    headers, parcel = farm
    _layer()
    typed = parcel(name="Getypt")
    body = claim_body(typed, discovered_on=WINTER, parcels=[_line(typed, "1")])
    answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.status_code == 422
    assert "heeft geen omtrek" in answer.json["error"]["fields"]["parcels[0].area_type"][0]
    body["parcels"] = [_line(typed, "1", area_type="foerageergebied")]
    answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    assert answer.json["parcels"][0]["area_type"] == "foerageergebied"
    assert answer.json["parcels"][0]["area_check"] == "no_outline"


def test_submitting_derives_again_from_the_layers_in_force_then(client, session, farm):
    """A layer for the day of discovery published after the draft was saved counts."""
    headers, parcel = farm
    inside = parcel(INSIDE, name="Binnen")
    body = claim_body(
        inside, discovered_on=WINTER, parcels=[_line(inside, "1", area_type="regular")]
    )
    answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.json["parcels"][0]["area_check"] == "no_layers"
    _layer()
    submitted = client.post(
        f"/api/v1/claims/{answer.json['id']}/submit",
        json={"acknowledge_late": True},
        headers=headers,
    )
    # "regular" contradicts the layer now in force: the farmer is told to leave it to the map.
    assert submitted.status_code == 422, submitted.json
    assert "parcels[0].area_type" in submitted.json["error"]["fields"]
    fixed = client.patch(
        f"/api/v1/claims/{answer.json['id']}",
        json={"parcels": [_line(inside, "1")]},
        headers=headers,
    )
    assert _components(fixed) == {"foerageergebied": "1.0000"}
    submitted = client.post(
        f"/api/v1/claims/{answer.json['id']}/submit",
        json={"acknowledge_late": True},
        headers=headers,
    )
    assert submitted.status_code == 200, submitted.json
    assert _components(submitted) == {"foerageergebied": "1.0000"}


def test_the_own_risk_follows_the_map_zero_on_the_foraging_half_only(client, session, farm):
    headers, parcel = farm
    _layer()
    half = parcel(HALF_IN, name="Half")
    body = claim_body(
        half,
        discovered_on=WINTER,
        species=["grauwe_gans"],
        parcels=[_line(half, "2", area_type="regular")],
    )
    answer = client.post("/api/v1/claims", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    claim = session.get(Claim, answer.json["id"])
    # The assessor finds € 1,000 of damage per hectare on each component the claim has.
    case = {
        "province": "FR",
        "kind": "crop",
        "crop": claim.crop,
        "discovered_on": WINTER,
        "submitted_on": WINTER,
        "preventive_measures": ["acoustic", "visual"],
        "components": [
            {
                "species": "grauwe_gans",
                "area_type": row.area_type.value,
                "assessed_damage": str((row.damaged_area_ha * 1000).quantize(Decimal("0.01"))),
                "damaged_area_ha": str(row.damaged_area_ha),
            }
            for row in claim.parcels
        ],
        "reduction_pct": "0",
        "own_risk_borne_this_year": "0",
    }
    result = rules.calculate(case)
    parts = {
        step.rule.removeprefix("own_risk:"): step
        for step in result.steps
        if step.code == "own_risk_part"
    }
    assert set(parts) == {"fr-ganzen-foerageergebied-winter-0", "fr-ganzen-20"}
    assert "foerageergebied" in parts["fr-ganzen-foerageergebied-winter-0"].description
    assert parts["fr-ganzen-foerageergebied-winter-0"].amount == Decimal("0.00")
    assert parts["fr-ganzen-20"].amount == Decimal("200.00")  # 20 % of the regular € 1,000
    # Had the dropdown's "regular" been taken for the whole parcel, it would have been € 400.
    whole = {**case, "components": [{**case["components"][0], "area_type": "regular"}]}
    whole["components"][0]["assessed_damage"] = "2000"
    whole["components"][0]["damaged_area_ha"] = "2"
    assert result.own_risk < rules.calculate(whole).own_risk


def test_the_assessors_lines_are_checked_against_the_overlap(app, client, session, farm, assessor):
    headers, parcel = farm
    _layer()
    half = parcel(HALF_IN, name="Half")
    body = claim_body(half, discovered_on=WINTER, species=["grauwe_gans"], parcels=[_line(half)])
    claim = session.get(Claim, client.post("/api/v1/claims", json=body, headers=headers).json["id"])
    claim.status = ClaimStatus.ASSESSMENT_ORDERED  # as ordering the assessment leaves it
    assessment = Assessment(
        claim_id=claim.id,
        assessor_id=assessor.id,
        ordered_by=assessor.id,
        due_on=clock.today() + timedelta(days=10),
        status=AssessmentStatus.ORDERED,
        preventive_measures_observed=[],
        remarks="",
    )
    session.add(assessment)
    session.flush()

    def line(area_type, ha):
        return {
            "parcel_id": half,
            "species": "grauwe_gans",
            "area_type": area_type,
            "damaged_area_ha": Decimal(ha),
            "lost_quantity": Decimal("1000"),
            "unit": "kg",
            "unit_price": Decimal("0.20"),
            "price_source": "kwin",
        }

    report = {
        "visits": [{"date": clock.today()}],
        "lines": [
            line("foerageergebied", "1.2"),
            line("rustgebied", "0.5"),
            line("regular", "0.3"),
        ],
        "preventive_measures_observed": [],
    }
    with pytest.raises(ValidationFailed) as refused:
        assessments.save_report(assessment, report, assessor)
    fields = refused.value.fields
    assert fields["lines[0].damaged_area_ha"] == [
        "Regel 1: meer dan perceel 'Half' volgens de kaart in ganzenfoerageergebied heeft (1 ha)."
    ]
    assert (
        "Regel 2: perceel 'Half' ligt volgens de kaart niet in ganzenrustgebied"
        in (fields["lines[1].area_type"][0])
    )
    assert "lines[2].damaged_area_ha" not in fields and "lines[2].area_type" not in fields
    report["lines"] = [line("foerageergebied", "1"), line("regular", "1")]
    saved = assessments.save_report(assessment, report, assessor)
    assert len(saved.lines) == 2
    # The assessor's report page has the map and the same figures in its table.
    page = web_client(app, assessor).get(f"/taxaties/{assessment.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "data-claim-map" in html and "Gebiedstypen volgens de kaart" in html
    assert "1,0000 ha van 2,0000 ha" in html
    geojson = web_client(app, assessor).get(f"/aanvragen/{claim.id}/kaart.geojson")
    assert geojson.status_code == 200 and len(geojson.json["features"]) == 3


def test_the_figures_stay_when_the_parcel_changes_and_are_scoped(
    client, session, farm, make_user, api_token
):
    headers, parcel = farm
    _layer()
    half = parcel(HALF_IN, name="Half")
    body = claim_body(half, discovered_on=WINTER, parcels=[_line(half)])
    claim_id = client.post("/api/v1/claims", json=body, headers=headers).json["id"]
    # The farmer redraws the parcel afterwards: the claim keeps what the map said then.
    moved = client.patch(
        f"/api/v1/parcels/{half}", json={"geometry": _rd(OUTSIDE)}, headers=headers
    )
    assert moved.status_code == 200, moved.json
    kept = session.scalars(
        select(ClaimParcelArea.area_ha).where(ClaimParcelArea.claim_id == claim_id)
    ).all()
    assert sorted(kept) == [Decimal("1.0000"), Decimal("1.0000")]
    # Another farmer, an officer of another province, an admin: 404 (never 403).
    for user in (make_user("farmer"), make_user("officer", provinces=("GR",))):
        answer = client.get(f"/api/v1/claims/{claim_id}/areas", headers=api_token(user))
        assert answer.status_code == 404
    officer = make_user("officer", provinces=("FR",))
    seen = client.get(f"/api/v1/claims/{claim_id}/areas", headers=api_token(officer))
    assert seen.status_code == 200
    assert client.get(f"/api/v1/claims/{claim_id}/areas").status_code == 401


def test_a_tile_server_is_allowed_by_the_csp_only_when_set(app, client):
    assert tile_origin(None) is None
    assert tile_origin("javascript:alert(1)") is None
    assert tile_origin("https://{s}.tiles.example.nl/{z}/{x}/{y}.png") == (
        "https://*.tiles.example.nl"
    )
    plain = client.get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in plain and "unsafe-inline" not in plain
    app.config["MAP_TILE_URL"] = "https://service.pdok.nl/brt/achtergrondkaart/{z}/{x}/{y}.png"
    try:
        csp = client.get("/login").headers["Content-Security-Policy"]
    finally:
        app.config["MAP_TILE_URL"] = None
    assert "img-src 'self' data: https://service.pdok.nl;" in csp
    assert "script-src 'self';" in csp
