"""Hostile input: a clear Dutch error that names the field, never a 500 or a busy worker."""

from __future__ import annotations

import io
import json
import struct
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from faunaschade.clock import today
from faunaschade.models import Attachment, Claim, Parcel, Proposal
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.decisions import assessed_claim
from tests.support.farmers import claim_body, parcel_body, register_and_login

# A square of about 0.9 ha in Utrecht, as in test_farmer_validation.
SQUARE = [[5.0, 52.0], [5.0014, 52.0], [5.0014, 52.0009], [5.0, 52.0009], [5.0, 52.0]]


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _fields(response) -> dict[str, list[str]]:
    assert response.status_code in (400, 413, 422), response.get_data(as_text=True)[:500]
    return response.json["error"]["fields"]


def _browser(app, user):
    """A browser-like client logged in as `user` (session cookie, CSRF)."""
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return client


def _post_form(client, url: str, data: dict, page: str = "/aanvragen"):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _ring(points: int) -> list[list[float]]:
    """A closed ring of `points` points along a small square in the Netherlands."""
    side = points // 4 + 1
    steps = [i / side * 0.001 for i in range(side)]
    ring = (
        [[5.0 + s, 52.0] for s in steps]
        + [[5.001, 52.0 + s] for s in steps]
        + [[5.001 - s, 52.001] for s in steps]
        + [[5.0, 52.001 - s] for s in steps]
    )
    return [*ring[: points - 1], ring[0]]


# --- 1, 2: parcel geometry ----------------------------------------------------------------


def test_a_multi_megabyte_geometry_is_refused_before_it_is_read(client, session):
    farmer = register_and_login(client)
    points = "[5.0, 52.0], " * 680_000  # 8.8 MB, as in the attack
    raw = json.dumps(parcel_body(geometry={"type": "Polygon", "coordinates": "RING"}))
    raw = raw.replace('"RING"', f"[[{points}[5.0, 52.0]]]")
    response = client.post(
        "/api/v1/parcels", data=raw, content_type="application/json", headers=farmer
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"
    assert "MB" in response.json["error"]["message"]
    assert _count(session, Parcel) == 0


@pytest.mark.parametrize(
    ("coordinates", "expected"),
    [
        ([_ring(20_000)], "hoogstens 5000 punten"),
        ([SQUARE] * 101, "hoogstens 100 ringen"),
        ([[[5.0, 52.0, 0.0, 1.0], *SQUARE[1:-1], [5.0, 52.0, 0.0, 1.0]]], "[lengtegraad"),
    ],
)
def test_a_geometry_with_too_many_points_or_rings_names_the_field(
    client, session, coordinates, expected
):
    farmer = register_and_login(client)
    body = parcel_body(geometry={"type": "Polygon", "coordinates": coordinates})
    fields = _fields(client.post("/api/v1/parcels", json=body, headers=farmer))
    assert list(fields) == ["geometry"] and expected in fields["geometry"][0]
    assert _count(session, Parcel) == 0


def test_a_parcel_stored_before_the_limits_still_lists(client, session):
    farmer = register_and_login(client)
    created = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    session.get(Parcel, created["id"]).geometry = {"type": "Polygon", "coordinates": [_ring(9000)]}
    session.flush()
    listed = client.get("/api/v1/parcels", headers=farmer)
    assert listed.status_code == 200 and listed.json[0]["geometry_area_ha"] is None


def test_a_geometry_with_other_members_is_refused(client, session):
    farmer = register_and_login(client)
    geometry = {"type": "Polygon", "coordinates": [SQUARE], "padding": "x" * 100_000}
    fields = _fields(
        client.post("/api/v1/parcels", json=parcel_body(geometry=geometry), headers=farmer)
    )
    assert "padding" in fields["geometry"][0]


@pytest.mark.parametrize(
    ("points", "expected"),
    [(8_000, "hoogstens 5000 punten"), (15_000, "groter dan 400 kB")],  # 220 kB, 415 kB
)
def test_the_web_form_refuses_a_large_or_busy_geometry_by_name(
    app, session, make_user, points, expected
):
    browser = _browser(app, make_user("farmer"))
    geometry = json.dumps({"type": "Polygon", "coordinates": [_ring(points)]})
    form = {**parcel_body(area_ha="1.0"), "geometry": geometry}
    page = _post_form(browser, "/percelen/nieuw", form, "/percelen/nieuw")
    assert page.status_code == 422 and expected in page.get_data(as_text=True)
    assert _count(session, Parcel) == 0


def test_a_multi_megabyte_form_is_refused_before_it_is_parsed(app, session, make_user):
    browser = _browser(app, make_user("farmer"))
    body = "name=Es&geometry=" + "%5B5.0%2C+52.0%5D%2C+" * 300_000  # 6.3 MB
    page = browser.post(
        "/percelen/nieuw", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code == 413 and "hoogstens 2 MB" in page.get_data(as_text=True)
    assert _count(session, Parcel) == 0


@pytest.mark.parametrize("number", ["1" + "0" * 400, "1e309", "-1e309", "NaN", "Infinity"])
@pytest.mark.parametrize(
    ("point", "expected"),
    [("[{n}, 52.0]", "niet in Nederland"), ("[5.0, 52.0, {n}]", "geen hoogte in meters")],
)
def test_an_absurd_coordinate_is_a_field_error(client, session, number, point, expected):
    farmer = register_and_login(client)
    ring = ", ".join(f"[{lon}, {lat}]" for lon, lat in SQUARE[1:-1])
    first = point.format(n=number)
    raw = json.dumps(parcel_body(area_ha="1.0", geometry={"type": "Polygon", "coordinates": "R"}))
    raw = raw.replace('"R"', f"[[{first}, {ring}, {first}]]")
    response = client.post(
        "/api/v1/parcels", data=raw, content_type="application/json", headers=farmer
    )
    fields = _fields(response)
    assert response.status_code == 422 and expected in fields["geometry"][0]
    assert _count(session, Parcel) == 0


# --- 3: amounts that the database columns cannot hold --------------------------------------


@pytest.fixture
def livestock_report(client, session, make_user, api_token):
    """A wolf report with an assessment ordered; returns (PUT url, assessor headers, animal)."""
    officer = make_user("officer", provinces=("GE",))
    assessor = make_user("assessor")
    farmer = register_and_login(client)
    claim = client.post(
        "/api/v1/claims/livestock",
        json={
            "province": "GE",
            "discovered_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
            "species": ["wolf"],
            "animals": 3,
            "description": "Drie ooien dood in de wei.",
        },
        headers=farmer,
    ).json
    order = client.post(
        f"/api/v1/claims/{claim['id']}/assessment-order",
        json={"assessor_email": assessor.email},
        headers=api_token(officer),
    ).json
    animal = {
        "species": "wolf",
        "animal_kind": "schaap",
        "breed_group": "gebruiksras",
        "sex": "female",
        "age_class": "volwassen",
        "pregnant": False,
        "outcome": "killed",
    }
    return f"/api/v1/assessments/{order['assessment_id']}/report", api_token(assessor), animal


def _report(*animals: dict) -> dict:
    return {"visits": [{"date": today().isoformat()}], "animals": list(animals)}


@pytest.mark.parametrize("field", ["vet_costs", "abortion", "carcass_removal"])
@pytest.mark.parametrize("amount", ["1e10", "10000000000", "100000.01"])
def test_a_livestock_amount_above_the_maximum_names_the_field(
    client, session, livestock_report, field, amount
):
    url, assessor, animal = livestock_report
    body = _report({**animal, "animal": "ooi-1", "outcome": "injured", field: amount})
    fields = _fields(client.put(url, json=body, headers=assessor))
    assert fields[f"animals[0].{field}"] == ["Geef 0 tot en met € 100.000,00."]


def test_three_maximal_amounts_are_refused_before_their_sum_overflows(
    client, session, livestock_report
):
    url, assessor, animal = livestock_report
    animals = [
        {**animal, "animal": f"ooi-{i}", "carcass_removal": "9999999999.99"} for i in range(3)
    ]
    fields = _fields(client.put(url, json=_report(*animals), headers=assessor))
    assert set(fields) == {f"animals[{i}].carcass_removal" for i in range(3)}


def test_the_largest_accepted_amounts_fit_the_columns(client, session, livestock_report):
    url, assessor, animal = livestock_report
    extra = {"abortion": "100000.00", "carcass_removal": "100000.00"}
    animals = [{**animal, "animal": f"ooi-{i}", **extra} for i in range(3)]
    saved = client.put(url, json=_report(*animals), headers=assessor)
    assert saved.status_code == 200, saved.json


def test_a_claimed_damaged_area_beyond_any_parcel_names_the_field(client, session):
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    body = claim_body(parcel["id"])
    body["parcels"][0]["damaged_area_ha"] = "1000000"
    fields = _fields(client.post("/api/v1/claims", json=body, headers=farmer))
    assert "hoogstens 10000" in fields["parcels[0].damaged_area_ha"][0]
    assert _count(session, Claim) == 0


# --- 4: JSON bodies nested too deep, or too large ------------------------------------------


@pytest.fixture
def webhook_url(client, session):
    """The webhook of a real payment, so the body is read (an unknown payment is a 404 first)."""
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    claim = client.post("/api/v1/claims", json=claim_body(parcel["id"]), headers=farmer).json
    client.post(f"/api/v1/claims/{claim['id']}/submit", json={}, headers=farmer)
    payment = client.post(f"/api/v1/claims/{claim['id']}/payment", headers=farmer).json
    return f"/api/v1/payments/{payment['payment_id']}/webhook"


@pytest.mark.parametrize("path", ["/api/v1/register", "/api/v1/auth/token", "webhook"])
@pytest.mark.parametrize("depth", [1000, 100_000, 65])
def test_json_nested_too_deep_is_a_400(client, session, request, path, depth):
    path = request.getfixturevalue("webhook_url") if path == "webhook" else path
    raw = '{"status": ' + "[" * depth + "]" * depth + "}"
    response = client.post(path, data=raw, content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "json_too_deep"
    assert "diep genest" in response.json["error"]["message"]


def test_the_body_is_checked_before_any_other_hook_reads_it(app):
    # The rate limiter's key functions read the login body in their own before_request hook.
    from faunaschade.body_limits import check_body

    assert app.before_request_funcs[None][0] is check_body


def test_json_nested_to_a_normal_depth_passes(client, session):
    raw = '{"email": ' + "[" * 20 + "]" * 20 + "}"
    response = client.post("/api/v1/auth/token", data=raw, content_type="application/json")
    assert response.status_code == 422 and "email" in response.json["error"]["fields"]


def test_a_json_body_over_the_limit_is_a_413(client, session):
    raw = '{"email": "' + "x" * (1024 * 1024) + '"}'
    response = client.post("/api/v1/register", data=raw, content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"]["message"] == "Het verzoek is te groot: hoogstens 1 MB."


# --- 5, 6: uploads ---------------------------------------------------------------------------


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (its CRC made to match)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.fixture
def draft(client, session):
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    claim = client.post("/api/v1/claims", json=claim_body(parcel["id"]), headers=farmer).json
    return farmer, f"/api/v1/claims/{claim['id']}/attachments"


@pytest.mark.parametrize("size", [(20_000, 10_000), (10_000, 10_000), (65_535, 65_535)])
def test_a_decompression_bomb_is_refused_by_name(client, session, draft, size):
    farmer, url = draft
    png = _png_claiming(*size)
    assert len(png) < 100
    response = client.post(url, headers=farmer, data={"file": (io.BytesIO(png), "bom.png")})
    fields = _fields(response)
    assert response.status_code == 422 and "miljoen pixels" in fields["file"][0]
    assert _count(session, Attachment) == 0


def _multipart(filename_star: str, data: bytes) -> tuple[bytes, str]:
    """A multipart body whose file part names itself with RFC 2231 filename* (as curl can)."""
    boundary = "grens"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f"filename*=UTF-8''{filename_star}\r\nContent-Type: image/jpeg\r\n\r\n"
    ).encode()
    return (
        head + data + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def test_an_upload_over_the_request_limit_is_a_dutch_413(client, session, draft):
    farmer, url = draft
    body, content_type = _multipart("groot.jpg", b"\xff\xd8\xff" + bytes(17 * 2**20))
    response = client.post(url, headers=farmer, data=body, content_type=content_type)
    assert response.status_code == 413
    assert response.json["error"]["message"] == "Het verzoek is te groot om te verwerken."


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("evil%0D%0AX-Injected%3A%201.png", "evilX-Injected: 1.png"),
        ("nul%00.png", "nul.png"),  # PostgreSQL refuses NUL in text
        ("..%2F..%2Fetc%2Fschade%C3%A9.png", "schadeé.png"),
        ("%0D%0A", "bestand"),
    ],
)
def test_a_filename_with_control_characters_is_cleaned_and_downloads(
    client, session, draft, sent, kept
):
    from tests.support.farmers import jpeg_bytes

    farmer, url = draft
    body, content_type = _multipart(sent, jpeg_bytes())
    uploaded = client.post(url, headers=farmer, data=body, content_type=content_type)
    assert uploaded.status_code == 201, uploaded.json
    assert uploaded.json["filename"] == kept
    download = client.get(f"{url}/{uploaded.json['id']}", headers=farmer)
    assert download.status_code == 200
    assert "X-Injected" not in download.headers
    assert "\r" not in download.headers["Content-Disposition"]


def test_an_old_row_with_a_line_break_in_its_name_still_downloads(client, session, draft):
    from tests.support.farmers import jpeg_bytes

    farmer, url = draft
    uploaded = client.post(url, headers=farmer, data={"file": (io.BytesIO(jpeg_bytes()), "a.jpg")})
    attachment = session.get(Attachment, uploaded.json["id"])
    attachment.filename = "oud\r\nX-Injected: 1\x1b.jpg"
    session.flush()
    download = client.get(f"{url}/{attachment.id}", headers=farmer)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="oudX-Injected: 1.jpg"'


# --- 7, 8: the audit log filters and whole numbers in query strings and forms ------------


@pytest.mark.parametrize(
    "query", ["from=0001-01-01&to=9999-12-31", "from=9999-12-31", "to=0001-01-01"]
)
def test_audit_log_period_at_the_ends_of_the_calendar(
    app, client, session, make_user, api_token, query
):
    auditor = make_user("auditor", all_provinces=True)
    answer = client.get(f"/api/v1/audit-events?{query}", headers=api_token(auditor))
    assert answer.status_code == 200, answer.json
    page = _browser(app, auditor).get(f"/auditlog?{query}")
    assert page.status_code == 200
    export = client.get(f"/api/v1/audit-events?{query}&format=csv", headers=api_token(auditor))
    assert export.status_code == 200


@pytest.mark.parametrize("claim", ["²", "٣", "9" * 30, "9" * 5000])
def test_audit_log_claim_filter_that_is_no_claim_number(app, session, make_user, claim):
    page = _browser(app, make_user("auditor", all_provinces=True)).get(
        f"/auditlog?claim={claim}&page={claim}"
    )
    assert page.status_code == 200
    assert "Geen aanvraag met dit kenmerk." in page.get_data(as_text=True)


@pytest.mark.parametrize("animals", ["²", "9" * 5000])
def test_livestock_form_with_an_animal_count_that_is_no_number(app, session, make_user, animals):
    browser = _browser(app, make_user("farmer"))
    now = datetime.now(UTC) - timedelta(hours=2)
    form = {
        "province": "GE",
        "species": "wolf",
        "discovered_on": now.date().isoformat(),
        "discovered_time": "06:00",
        "animals": animals,
        "description": "Ooien dood.",
    }
    page = _post_form(browser, "/aanvragen/wolf", form, "/aanvragen/wolf")
    assert page.status_code == 422 and "Geef 1 tot 10000." in page.get_data(as_text=True)
    assert _count(session, Claim) == 0


@pytest.fixture
def report_page(app, client, session, make_user, api_token):
    """An assessor's browser on the report form of an ordered assessment."""
    officer = make_user("officer", provinces=("LI",))
    assessor = make_user("assessor")
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(area_ha="4.2"), headers=farmer).json
    claim = client.post(
        "/api/v1/claims", json=claim_body(parcel["id"], province="LI"), headers=farmer
    ).json
    client.post(f"/api/v1/claims/{claim['id']}/submit", json={}, headers=farmer)
    order = client.post(
        f"/api/v1/claims/{claim['id']}/assessment-order",
        json={"assessor_email": assessor.email},
        headers=api_token(officer),
    ).json
    return _browser(app, assessor), f"/taxaties/{order['assessment_id']}", parcel, claim, officer


@pytest.mark.parametrize("number", ["²", "9" * 5000])
def test_report_form_counts_that_are_no_number(session, report_page, number):
    browser, url, _, _, _ = report_page
    assert browser.get(f"{url}?meer_regels={number}&meer_bezoeken={number}").status_code == 200
    form = {
        "line_rows": number,
        "visit_rows": "1",
        "visit-0-date": today().isoformat(),
    }
    assert _post_form(browser, url, form, url).status_code == 302  # no line rows: visits saved
    lines = {"line_rows": "1", "line-0-parcel_id": number, "line-0-lost_quantity": "5"}
    page = _post_form(browser, url, {**form, **lines}, url)
    assert page.status_code == 422 and "Geef het nummer van een perceel." in page.get_data(
        as_text=True
    )


@pytest.mark.parametrize("days", ["²", "9" * 5000])
def test_completion_request_days_that_are_no_number(app, session, report_page, days):
    _, _, _, claim, officer = report_page
    browser = _browser(app, officer)
    url = f"/aanvragen/{claim['id']}/aanvulling-vragen"
    page = _post_form(browser, url, {"message": "Stuur foto's.", "days": days}, url)
    assert page.status_code == 422 and "Geef een aantal werkdagen." in page.get_data(as_text=True)


# --- 9: NaN and Infinity as numbers ------------------------------------------------------------


@pytest.fixture
def assessed(app, session, make_user, api_token):
    farmer, a = make_user("farmer"), make_user("officer", provinces=("DR",))
    claim = assessed_claim(session, farmer, a, make_user("assessor"))
    return claim, a, api_token(a)


@pytest.mark.parametrize("value", ["NaN", "nan", "sNaN", "Infinity", "-inf", "1e999999999"])
def test_proposal_form_refuses_nan_and_infinity_by_name(app, session, assessed, value):
    claim, officer, _ = assessed
    browser = _browser(app, officer)
    form = {"reduction_pct": value, "motivation": "Korting.", "decision": "grant"}
    answer = _post_form(browser, f"/aanvragen/{claim.id}/voorstel", form, f"/aanvragen/{claim.id}")
    # The claim page again in the same answer (issue 14): the error in the proposal's section,
    # what was typed kept.
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "percentage van 0 tot 100" in page
    assert f'name="reduction_pct" value="{value}"' in page
    assert _count(session, Proposal) == 0


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_api_refuses_nan_and_infinity_by_name(client, session, assessed, value):
    claim, _, token = assessed
    proposal = client.post(
        f"/api/v1/claims/{claim.id}/proposal", json={"reduction_pct": value}, headers=token
    )
    dutch = ["Geef een gewoon getal; NaN en oneindig zijn hier niet toegestaan."]
    assert _fields(proposal) == {"reduction_pct": dutch}
    preview = client.get(
        f"/api/v1/claims/{claim.id}/calculation-preview?reduction_pct={value}", headers=token
    )
    assert _fields(preview) == {"reduction_pct": dutch}
    assert _count(session, Proposal) == 0


# --- 10: dates outside a sane window -----------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("0001-01-01T00:00:00+14:00", "tussen 2000 en 2100"),
        ("1999-12-31T23:59:59+00:00", "tussen 2000 en 2100"),
        ("9999-12-31T23:59:59-14:00", "tussen 2000 en 2100"),
        # The id names the case: the moment itself differs between xdist workers.
        pytest.param(
            (datetime.now(UTC) + timedelta(days=1)).isoformat(), "toekomst", id="tomorrow-toekomst"
        ),
    ],
)
def test_livestock_discovery_outside_a_sane_window_names_the_field(
    client, session, moment, expected
):
    farmer = register_and_login(client)
    body = {
        "province": "GE",
        "discovered_at": moment,
        "species": ["wolf"],
        "animals": 1,
        "description": "Ooi dood.",
    }
    fields = _fields(client.post("/api/v1/claims/livestock", json=body, headers=farmer))
    assert list(fields) == ["discovered_at"] and expected in fields["discovered_at"][0]
    assert _count(session, Claim) == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_livestock_form_discovery_at_the_ends_of_the_calendar(app, session, make_user, day):
    browser = _browser(app, make_user("farmer"))
    form = {
        "province": "GE",
        "species": "wolf",
        "discovered_on": day,
        "discovered_time": "00:00",
        "animals": "1",
        "description": "Ooi dood.",
    }
    page = _post_form(browser, "/aanvragen/wolf", form, "/aanvragen/wolf")
    assert page.status_code == 422 and "tussen 2000 en 2100" in page.get_data(as_text=True)
    assert _count(session, Claim) == 0


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_crop_discovery_at_the_ends_of_the_calendar(client, session, day):
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    response = client.post(
        "/api/v1/claims", json=claim_body(parcel["id"], discovered_on=day), headers=farmer
    )
    assert _fields(response)["discovered_on"] == ["Geef een datum tussen 2000 en 2100."]
    assert _count(session, Claim) == 0


# --- 11: the OpenAPI document tells the truth about crop -------------------------------------


def test_crop_is_nullable_in_the_openapi_document(client, session):
    farmer = register_and_login(client)
    body = {
        "province": "GE",
        "discovered_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "species": ["wolf"],
        "animals": 1,
        "description": "Ooi dood.",
    }
    claim = client.post("/api/v1/claims/livestock", json=body, headers=farmer).json
    assert claim["crop"] is None
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for name in ("ClaimOut", "AssessmentClaim", "AssessmentSummary", "QueueRow"):
        assert schemas[name]["properties"]["crop"].get("nullable") is True, name
