"""Open data through the API, without login (issue 17): the same figures as the auditor's
statistics where nothing is suppressed, small cells and their complements suppressed so that
no published total gives them back, JSON and CSV, the DCAT-AP-NL catalogue, caching (304,
a new ETag with a new release, not with a change of the data) and the rate limit. The figures
are those of a release cut by the test (statistics/releases.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from faunaschade.extensions import limiter
from faunaschade.models import FarmerProfile, Parcel, Tenure
from faunaschade.reports import operations as reports
from faunaschade.statistics import releases
from faunaschade.statistics.open_data import KEYS, MEASURES
from tests.support.disclosure import ALL, by_algebra, by_subtraction, published
from tests.support.statistics import AUDITOR, seeded_database, token_for

OPEN = "/api/v1/open-data/statistics"
FOUR = ",".join(KEYS)
#: (province, species, crop) of the meldingen added to the seeded claims, one farmer each.
MELDINGEN = [("FR", ["grauwe_gans"], "blijvend_grasland")] * 6 + [
    ("DR", ["wild_zwijn"], "snijmais"),
    ("DR", ["wild_zwijn", "grauwe_gans"], "snijmais"),  # two species groups: `meerdere`
]


@pytest.fixture(scope="module")
def seeded(app):
    with seeded_database(app, 300) as report:
        yield report


@pytest.fixture(autouse=True)
def fresh_cache(app):
    """Each test starts without a computed cube (the rolled-back tests reuse audit ids)."""
    app.extensions.pop("open_data", None)
    yield
    app.extensions.pop("open_data", None)


@pytest.fixture
def world(seeded, session, make_user):
    """The seeded claims and eight meldingen of eight farmers (rolled back after the test)."""
    for province, species, crop in MELDINGEN:
        farmer = make_user("farmer")
        profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
        parcel = Parcel(
            farmer_id=profile.id,
            name="Weide",
            area_ha=Decimal("5"),
            crop=crop,
            province=province,
            tenure=Tenure.OWN,
        )
        session.add(parcel)
        session.flush()
        body = {
            "discovered_on": date(2026, 3, 9),
            "species": species,
            "parcels": [
                {"parcel_id": parcel.id, "damaged_area_ha": Decimal("1"), "area_type": "regular"}
            ],
            "estimated_damage": Decimal("800"),
        }
        reports.create_report(profile, body, farmer)
    session.flush()
    return seeded


def cut(session):
    """Publish a release of the data as they are now (as `flask open-data release` does)."""
    release, _new = releases.publish_release()
    session.flush()
    assert release is not None
    return release


@pytest.fixture
def released(world, session):
    """The world, with a release cut from it."""
    cut(session)
    return world


@pytest.fixture
def auditor(client, seeded):
    return token_for(client, AUDITOR)


def get_open(client, query: str = "") -> dict:
    answer = client.get(f"{OPEN}?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.json


def internal(client, auditor, group_by) -> dict:
    answer = client.get(f"/api/v1/statistics?group_by={','.join(group_by)}", headers=auditor)
    assert answer.status_code == 200, answer.json
    return answer.json


def keyed(rows, group_by):
    return {tuple(row[key] for key in group_by): row for row in rows}


def levels(answer):
    yield answer["group_by"], answer["rows"]
    for level in answer["subtotals"]:
        yield level["group_by"], level["rows"]


# --- the same figures as the auditor's statistics ---


def test_open_totals_equal_the_auditors_statistics_where_nothing_is_suppressed(
    client, released, auditor
):
    answer = get_open(client)
    assert answer["group_by"] == list(KEYS) and answer["license"].endswith("/zero/1.0/")
    totals = internal(client, auditor, [])["totals"]
    assert not answer["totals"]["suppressed"]
    assert totals["claims"] > 250 and answer["totals"]["reports"] == len(MELDINGEN)
    for name in MEASURES:
        assert answer["totals"][name] == totals[name], name
    compared = suppressed = 0
    for group_by, rows in levels(answer):
        theirs = keyed(internal(client, auditor, group_by)["rows"], group_by)
        ours = keyed(rows, group_by)
        assert set(ours) == set(theirs), group_by  # which groups exist is no secret
        for key, row in ours.items():
            if row["suppressed"]:
                assert all(row[name] is None for name in MEASURES)
                suppressed += 1
                continue
            for name in MEASURES:
                assert row[name] == theirs[key][name], (group_by, key, name)
            compared += 1
    assert compared > 30 and suppressed > 30


def test_with_the_threshold_at_one_every_figure_is_the_auditors(
    client, world, auditor, app, monkeypatch, session
):
    monkeypatch.setitem(app.config, "OPEN_DATA_MIN_CELL", 1)
    monkeypatch.setitem(app.config, "OPEN_DATA_MIN_FARMERS", 1)
    cut(session)
    answer = get_open(client, "group_by=province,species_group")
    for group_by, rows in levels(answer):
        theirs = keyed(internal(client, auditor, group_by)["rows"], group_by)
        for key, row in keyed(rows, group_by).items():
            assert not row["suppressed"]
            assert {n: row[n] for n in MEASURES} == {n: theirs[key][n] for n in MEASURES}
    meerdere = [r for r in answer["rows"] if r["species_group"] == "meerdere"]
    assert any(row["province"] == "DR" and row["reports"] == 1 for row in meerdere)


# --- suppression ---


def test_a_cell_of_three_claims_is_suppressed_with_complements_and_cannot_be_recovered(
    client, released, auditor
):
    cells = internal(client, auditor, KEYS)["rows"]
    three = next(row for row in cells if row["claims"] == 3 and row["reports"] == 0)
    target = tuple(three[key] for key in KEYS)
    answers = [get_open(client, f"group_by={FOUR}")]
    answers += [
        get_open(client, f"group_by={group_by}")
        for group_by in ("damage_year,province", "province,species_group", "crop_group")
    ]
    ours = keyed(answers[0]["rows"], KEYS)
    assert ours[target]["suppressed"] and ours[target]["claims"] is None
    # Every addition through the cell (its line along one key, and the line's total) hides
    # another figure too: another cell of the line, or the total itself.
    every = published(answers[0], KEYS, "claims")
    for i in range(len(KEYS)):
        total = (*target[:i], ALL, *target[i + 1 :])
        line = [
            key
            for key in every
            if key[i] != ALL and all(key[j] == target[j] for j in range(len(KEYS)) if j != i)
        ]
        assert sum(every[key] is None for key in [total, *line]) >= 2, KEYS[i]
    # The attacker takes everything published, in every answer, and subtracts.
    for measure in ("claims", "paid", "reports"):
        table: dict = {}
        for answer in answers:
            for key, value in published(answer, KEYS, measure).items():
                assert table.get(key, value) == value, "answers disagree"
                table[key] = value
        assert table[target] is None
        assert not by_subtraction(table), measure
    # And solves the equations of the answer by damage year and province exactly.
    small = published(answers[1], ["damage_year", "province"], "claims")
    hidden = {key for key, value in small.items() if value is None}
    assert hidden and not (by_algebra(small) & hidden)


def test_the_threshold_is_a_setting(client, released, app, monkeypatch, session):
    default = get_open(client, "group_by=damage_year,province")
    rows = keyed(default["rows"], ["damage_year", "province"])
    assert default["min_cell"] == 5 and default["min_farmers"] == 3
    assert all(row["claims"] is None or row["claims"] >= 5 for row in rows.values())
    monkeypatch.setitem(app.config, "OPEN_DATA_MIN_CELL", 40)
    cut(session)
    strict = get_open(client, "group_by=damage_year,province")
    assert strict["min_cell"] == 40
    strict_rows = keyed(strict["rows"], ["damage_year", "province"])
    assert sum(r["suppressed"] for r in strict_rows.values()) > sum(
        r["suppressed"] for r in rows.values()
    )
    assert all(row["claims"] is None or row["claims"] >= 40 for row in strict_rows.values())
    monkeypatch.setitem(app.config, "OPEN_DATA_MIN_CELL", 1)
    monkeypatch.setitem(app.config, "OPEN_DATA_MIN_FARMERS", 1)
    cut(session)
    none = get_open(client, "group_by=damage_year,province")
    assert not any(row["suppressed"] for _, level in levels(none) for row in level)


# --- formats and bad input ---


def test_csv_has_the_json_figures_with_suppressed_cells_empty_and_flagged(client, released):
    answer = get_open(client, "group_by=damage_year,province")
    response = client.get(f"{OPEN}?group_by=damage_year,province&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(lines[0]) == ["aggregate", "damage_year", "province", *MEASURES, "suppressed"]
    cells = [line for line in lines if line["aggregate"] == "cell"]
    assert len(cells) == len(answer["rows"])
    for line, row in zip(cells, answer["rows"], strict=True):
        assert (int(line["damage_year"]), line["province"]) == (row["damage_year"], row["province"])
        assert line["suppressed"] == ("true" if row["suppressed"] else "false")
        for name in MEASURES:
            expected = "" if row[name] is None else str(row[name])
            assert line[name] == expected, name
    assert any(line["suppressed"] == "true" for line in cells)
    by_year = [x for x in lines if x["aggregate"] == "subtotal" and not x["province"]]
    assert {int(x["damage_year"]) for x in by_year} == {
        r["damage_year"] for r in answer["subtotals"][0]["rows"]
    }
    (total,) = [line for line in lines if line["aggregate"] == "total"]
    assert int(total["claims"]) == answer["totals"]["claims"]


@pytest.mark.parametrize(
    "query, field, words",
    [
        ("group_by=species", "group_by", "Onbekende groepering: species"),
        ("group_by=outcome,province", "group_by", "Onbekende groepering: outcome"),
        ("group_by=province,province", "group_by", "Noem elke groepering één keer"),
        ("group_by=" + "x" * 5000, "group_by", "Te lang"),
        ("group_by=province%3Bdrop%20table", "group_by", "Onbekende groepering"),
        ("format=xlsx", "format", "Onbekend formaat: xlsx"),
        ("format=csv-nl", "format", "Onbekend formaat"),
        ("release=abc", "release", "Geef het nummer van een release"),
        ("release=1.5", "release", "Geef het nummer van een release"),
        ("release=0", "release", "Geen bestaand releasenummer"),
        ("release=-3", "release", "Geen bestaand releasenummer"),
        ("release=99999999999999", "release", "Geen bestaand releasenummer"),
    ],
)
def test_bad_input_is_refused_by_name_in_dutch(client, seeded, query, field, words):
    response = client.get(f"{OPEN}?{query}")
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert words in " ".join(response.json["error"]["fields"][field])


def test_everyone_reads_it_without_login_cookies_or_personal_data(client, released):
    response = client.get(OPEN)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    allowed = {*KEYS, *MEASURES, "suppressed"}
    for _, rows in levels(response.json):
        for row in rows:
            assert set(row) <= allowed
    assert set(response.json) == {
        "modified", "release", "license", "group_by", "min_cell", "min_farmers", "rows",
        "subtotals", "totals",
    }  # fmt: skip
    assert set(response.json["release"]) == {"id", "created_at", "sha256", "period"}
    page = client.get("/open-data")
    assert page.status_code == 200
    assert 'rel="license"' in page.get_data(as_text=True)


# --- the catalogue ---


def _compact_iris(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("@"):
                yield key
            if key == "@type":
                yield item
            yield from _compact_iris(item)
    elif isinstance(value, list):
        for item in value:
            yield from _compact_iris(item)


def test_the_catalogue_describes_the_dataset_in_dcat_ap_nl(client, released, session):
    response = client.get("/api/v1/open-data/catalog")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    dataset = json.loads(response.get_data(as_text=True))
    context = dataset["@context"]
    assert context["dcat"] == "http://www.w3.org/ns/dcat#"
    assert context["dct"] == "http://purl.org/dc/terms/"
    assert {iri.split(":")[0] for iri in _compact_iris(dataset)} <= set(context)
    assert dataset["@type"] == "dcat:Dataset"
    for name in ("dct:title", "dct:description"):
        assert {text["@language"] for text in dataset[name]} == {"nl", "en"}
        assert all(len(text["@value"]) > 10 for text in dataset[name])
    cc0 = "http://creativecommons.org/publicdomain/zero/1.0/"
    assert dataset["dct:license"] == {"@id": cc0}
    years = {row["damage_year"] for row in get_open(client, "group_by=damage_year")["rows"]}
    period = dataset["dct:temporal"]
    assert period["dcat:startDate"] == {"@value": f"{min(years) - 1}-11-01", "@type": "xsd:date"}
    assert period["dcat:endDate"] == {"@value": f"{max(years)}-10-31", "@type": "xsd:date"}
    modified = dataset["dct:modified"]
    assert modified["@type"] == "xsd:dateTime"
    assert modified["@value"][:10] == get_open(client)["modified"][:10]
    contact = dataset["dcat:contactPoint"]
    assert contact["@type"] == "vcard:Organization" and contact["vcard:fn"]
    assert contact["vcard:hasEmail"]["@id"].startswith("mailto:")
    assert dataset["dct:publisher"]["foaf:name"] and dataset["dct:publisher"]["@id"]
    media = {}
    for distribution in dataset["dcat:distribution"]:
        assert distribution["@type"] == "dcat:Distribution"
        assert distribution["dct:license"] == {"@id": cc0}
        url = distribution["dcat:accessURL"]["@id"]
        media[distribution["dcat:mediaType"]["@id"].rsplit("/", 2)[-1]] = url
        served = client.get(url.split("127.0.0.1:5000", 1)[1])
        assert served.status_code == 200 and served.mimetype.endswith(url.rsplit("=", 1)[1])
    assert set(media) == {"json", "csv"}


# --- caching ---


def test_the_etag_follows_the_release_not_the_data(client, released, session, make_user):
    first = client.get(OPEN)
    etag = first.headers["ETag"]
    release = first.json["release"]
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    assert first.headers["Last-Modified"]
    again = client.get(OPEN, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get(OPEN, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    as_csv = client.get(f"{OPEN}?format=csv", headers={"If-None-Match": etag})
    assert as_csv.status_code == 200 and as_csv.headers["ETag"] != etag
    # A change of the data changes nothing published until the next release ...
    farmer = make_user("farmer")
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    parcel = Parcel(
        farmer_id=profile.id, name="Akker", area_ha=Decimal("3"), crop="snijmais",
        province="FR", tenure=Tenure.OWN,
    )  # fmt: skip
    session.add(parcel)
    session.flush()
    for _ in range(5):  # five meldingen of one farmer
        reports.create_report(
            profile,
            {
                "discovered_on": date(2026, 3, 9),
                "species": ["grauwe_gans"],
                "parcels": [
                    {
                        "parcel_id": parcel.id,
                        "damaged_area_ha": Decimal("1"),
                        "area_type": "regular",
                    }
                ],
                "estimated_damage": None,
            },
            farmer,
        )
    session.flush()
    cached = client.get(OPEN, headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert client.get(OPEN).json == first.json
    # ... the new release has a new ETag; the old one stays served, unchanged, by its number.
    newer = cut(session)
    assert newer.id != release["id"]
    changed = client.get(OPEN, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["release"]["id"] == newer.id
    old = client.get(f"{OPEN}?release={release['id']}")
    assert old.json == first.json and old.headers["ETag"] == etag
    assert "immutable" in old.headers["Cache-Control"]
    assert (
        client.get(f"{OPEN}?release={release['id']}", headers={"If-None-Match": etag}).status_code
        == 304
    )


def test_an_unknown_release_is_404_and_before_any_release_nothing_is_served(client, seeded):
    before = client.get(OPEN)
    assert before.status_code == 404
    assert "nog geen open data" in before.json["error"]["message"]
    assert client.get("/api/v1/open-data/catalog").status_code == 404
    page = client.get("/open-data")
    assert page.status_code == 200
    assert "Er zijn nog geen open data gepubliceerd." in page.get_data(as_text=True)
    unknown = client.get(f"{OPEN}?release=4242")
    assert unknown.status_code == 404
    assert unknown.json["error"]["fields"]["release"] == ["Geen bestaand releasenummer."]
    assert client.get("/open-data?release=4242").status_code == 404


@pytest.fixture
def limited(session, other_app):
    was_enabled = limiter.enabled
    yield lambda **config: other_app(
        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **config
    )
    limiter.enabled = was_enabled


def test_the_open_data_are_rate_limited_per_client_over_page_and_api(limited, seeded):
    client = limited(RATELIMIT_OPEN_DATA="3 per minute").test_client()
    # No release is committed here: 404 for the figures, the page without them; then 429.
    assert client.get(OPEN).status_code == 404
    assert client.get("/api/v1/open-data/catalog").status_code == 404
    assert client.get("/open-data").status_code == 200
    assert client.get(OPEN).status_code == 429
    assert client.get("/open-data").status_code == 429
