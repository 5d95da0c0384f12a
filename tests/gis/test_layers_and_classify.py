"""`flask layers import` / `list` and `flask gis classify` as an operator runs them (real
processes on the test database), and the overlap rules checked in-process."""

import json
import os
import random
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pyproj import Transformer
from shapely.geometry import Polygon, mapping
from sqlalchemy import func, select

from faunaschade.errors import ValidationFailed
from faunaschade.gis import layers
from faunaschade.gis.classify import classify
from faunaschade.gis.geometry import from_geojson
from faunaschade.models import AuditEvent, MapLayer
from tests.support.gis import BOW_TIE, feature_collection, rd_box

ROOT = Path(__file__).resolve().parents[2]
#: The test layer: a square kilometre in Fryslân.
LAYER = rd_box(180_000, 570_000, 1000, 1000)
#: A parcel of 200 × 100 m with its eastern half outside the layer.
HALF_IN = rd_box(180_900, 570_400, 200, 100)
TO_WGS84 = Transformer.from_crs("EPSG:28992", "OGC:CRS84", always_xy=True)


def _flask(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [str(Path(sys.executable).parent / "flask"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def _layer_file(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def _import(database_url, path, *extra, kind="foerageergebied", valid_from="2024-11-01"):
    return _flask(
        database_url,
        "layers",
        "import",
        path,
        "--province",
        "FR",
        "--kind",
        kind,
        "--valid-from",
        valid_from,
        "--source",
        "Provincie Fryslân, test",
        *extra,
    )


def _wgs84(shape: Polygon) -> dict:
    return mapping(Polygon([TO_WGS84.transform(x, y) for x, y in shape.exterior.coords]))


def test_layers_import_list_and_classify_as_processes(committed, database_url, tmp_path):
    good = _layer_file(tmp_path, "fg.geojson", feature_collection([("fg-1", LAYER)]))
    done = _import(database_url, good)
    assert done.returncode == 0, done.stderr
    assert "imported #1 FR foerageergebied 2024-11-01 – (open): 1 features" in done.stdout

    # Overlapping validity for the same province and kind: refused, naming the layer.
    clash = _import(database_url, good, valid_from="2025-06-01")
    assert clash.returncode == 2
    assert (
        "--valid-from: De geldigheid overlapt met kaartlaag #1 FR foerageergebied" in clash.stderr
    )
    # An earlier, closed period does not overlap; another kind never does.
    assert (
        _import(
            database_url, good, "--valid-until", "2024-10-31", valid_from="2020-11-01"
        ).returncode
        == 0
    )
    assert _import(database_url, good, kind="buffer", valid_from="2025-06-01").returncode == 0

    listed = _flask(database_url, "layers", "list")
    assert listed.returncode == 0
    assert "#2 FR foerageergebied 2020-11-01 – 2024-10-31  1 features" in listed.stdout
    assert "Provincie Fryslân, test" in listed.stdout

    # Half the parcel lies in the foraging area (parcel given in WGS84: ≈ 50/50) …
    question = {"province": "FR", "on": "2025-01-10", "geometry": _wgs84(HALF_IN)}
    answer = _flask(database_url, "gis", "classify", stdin=json.dumps(question))
    assert answer.returncode == 0, answer.stderr
    result = json.loads(answer.stdout)
    parts = {p["area_type"]: Decimal(p["area_ha"]) for p in result["parts"]}
    assert list(parts) == ["foerageergebied", "regular"]
    assert sum(parts.values()) == Decimal(result["area_ha"])
    assert abs(Decimal(result["area_ha"]) - 2) < Decimal("0.01")
    assert abs(parts["foerageergebied"] - parts["regular"]) < Decimal("0.01")

    # … exactly, given in RD New with a crs member; and a list in, a list out.
    rd = {**mapping(HALF_IN), "crs": {"type": "name", "properties": {"name": "EPSG:28992"}}}
    many = [
        {"province": "FR", "on": "2025-01-10", "geometry": rd},
        {"province": "FR", "on": "2019-01-10", "geometry": rd},  # before every layer
        {"province": "UT", "on": "2025-01-10", "geometry": rd},  # Utrecht has none of these
        # When the buffer layer (the same square) is in force too, the foraging area goes first.
        {"province": "FR", "on": "2025-06-01", "geometry": rd},
    ]
    answer = _flask(database_url, "gis", "classify", stdin=json.dumps(many))
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == [
        {
            "area_ha": "2.0000",
            "parts": [
                {"area_type": "foerageergebied", "area_ha": "1.0000"},
                {"area_type": "regular", "area_ha": "1.0000"},
            ],
        },
        {"area_ha": "2.0000", "parts": [{"area_type": "regular", "area_ha": "2.0000"}]},
        {"area_ha": "2.0000", "parts": [{"area_type": "regular", "area_ha": "2.0000"}]},
        {
            "area_ha": "2.0000",
            "parts": [
                {"area_type": "foerageergebied", "area_ha": "1.0000"},
                {"area_type": "regular", "area_ha": "1.0000"},
            ],
        },
    ]


_BAD_LAYERS = [
    (
        feature_collection([("x", LAYER)], crs="EPSG:3857"),
        "Onbekend of niet ondersteund coördinatenstelsel: EPSG:3857",
    ),
    (
        feature_collection([("x", Polygon([(5.8, 53.0), (5.9, 53.0), (5.9, 53.1)]))]),
        "ligt niet in Nederland (RD New",
    ),
    (
        feature_collection([("goed", LAYER), ("vlinder", BOW_TIE)]),
        "Perceel 'vlinder' (vlinder): de omtrek snijdt zichzelf",
    ),
    (feature_collection([("x", rd_box(-50_000, 400_000, 1000, 1000))]), "ligt niet in Nederland"),
    (b"<gml>", "Het GML-bestand is geen geldige XML."),
]


def test_a_bad_layer_file_is_refused_by_the_command_with_exit_2(committed, database_url, tmp_path):
    for n, (content, expected) in enumerate(_BAD_LAYERS[:3:2]):  # wrong CRS; a bow tie
        done = _import(database_url, _layer_file(tmp_path, f"laag{n}.geojson", content))
        assert done.returncode == 2, done.stdout
        assert f"FILE: {expected}" in done.stderr
    with committed.app_context():
        from faunaschade.extensions import db

        assert db.session.scalar(select(func.count()).select_from(MapLayer)) == 0


@pytest.mark.parametrize(("content", "expected"), _BAD_LAYERS)
def test_a_bad_layer_file_names_the_problem_and_stores_nothing(app, session, content, expected):
    with pytest.raises(ValidationFailed) as refused:
        layers.import_layer(
            content,
            file_name="laag.geojson",
            province="FR",
            kind="buffer",
            valid_from=date(2024, 11, 1),
            valid_until=None,
            source="test",
            imported_by="test",
        )
    assert list(refused.value.fields) == ["file"]
    assert expected in refused.value.fields["file"][0]
    assert session.scalar(select(func.count()).select_from(MapLayer)) == 0


_RD = {"type": "name", "properties": {"name": "EPSG:28992"}}
_BAD_QUESTIONS = [
    ({"province": "XX", "on": "2025-01-10", "geometry": {}}, "[0].province: expected one of"),
    (
        {"province": "FR", "on": "10-01-2025", "geometry": mapping(HALF_IN)},
        "[1].on: expected a date",
    ),
    ({"province": "FR", "on": "2025-01-10"}, "[2].geometry: missing"),
    (
        {
            "province": "FR",
            "on": "2025-01-10",
            "geometry": {"type": "Point", "coordinates": [5, 52]},
        },
        "[3].geometry: Geef een GeoJSON-geometrie",
    ),
    (
        {"province": "FR", "on": "2025-01-10", "geometry": {**mapping(BOW_TIE), "crs": _RD}},
        "[4].geometry: De omtrek snijdt zichzelf",
    ),
    (
        {
            "province": "FR",
            "on": "2025-01-10",
            "geometry": {**mapping(HALF_IN), "crs": _RD},
            "x": 1,
        },
        "[5].x: unknown field",
    ),
    ("FR", "[6]: expected an object"),
]


def test_classify_names_every_bad_field_and_exits_2(database_url, app):
    done = _flask(database_url, "gis", "classify", stdin=json.dumps([q for q, _ in _BAD_QUESTIONS]))
    assert done.returncode == 2
    for _, expected in _BAD_QUESTIONS:
        assert f"error: {expected}" in done.stderr
    assert done.stdout == ""
    bad_json = _flask(database_url, "gis", "classify", stdin="{")
    assert bad_json.returncode == 2 and "input: not valid JSON" in bad_json.stderr


def _add(kind: str, shape: Polygon, valid_from=date(2024, 11, 1), province="FR") -> MapLayer:
    return layers.import_layer(
        feature_collection([(kind, shape)]),
        file_name=f"{kind}.geojson",
        province=province,
        kind=kind,
        valid_from=valid_from,
        valid_until=None,
        source="test",
        imported_by="test",
    )


def test_where_layers_overlap_each_piece_counts_once_by_precedence(app, session):
    _add("foerageergebied", rd_box(180_000, 570_000, 1000, 1000))
    _add("natura2000", rd_box(180_500, 570_000, 1000, 1000))
    _add("buffer", rd_box(179_000, 570_000, 3000, 1000))
    # 400 m wide: 100 m only buffer, 100 m foraging, 200 m foraging + Natura 2000.
    parcel = rd_box(180_300, 570_000, 400, 100)
    result = classify(parcel, "FR", date(2025, 1, 10))
    assert result.as_json() == {
        "area_ha": "4.0000",
        "parts": [
            {"area_type": "natura2000", "area_ha": "2.0000"},
            {"area_type": "foerageergebied", "area_ha": "2.0000"},
        ],
    }
    assert (
        session.scalar(select(func.count()).where(AuditEvent.action == "map_layer.imported")) == 3
    )


def test_the_parts_always_add_up_to_the_total(app, session):
    _add(
        "foerageergebied", Polygon([(180_000, 570_000), (181_000, 570_333.3), (180_777.7, 571_000)])
    )
    _add("natura2000", rd_box(180_400.37, 570_100.11, 333.33, 777.77))
    rng = random.Random(16)
    for _ in range(40):
        x, y = 179_900 + rng.random() * 1000, 569_900 + rng.random() * 1000
        parcel = rd_box(x, y, 10 + rng.random() * 400, 10 + rng.random() * 300)
        result = classify(parcel, "FR", date(2025, 1, 10))
        assert sum(p.area_ha for p in result.parts) == result.area_ha
        assert all(p.area_ha > 0 for p in result.parts)


def test_overlap_is_refused_in_process_too(app, session):
    _add("rustgebied", LAYER, province="UT", valid_from=date(2024, 11, 1))
    with pytest.raises(ValidationFailed) as refused:
        _add("rustgebied", LAYER, province="UT", valid_from=date(2020, 1, 1))
    assert list(refused.value.fields) == ["valid_from"]


def test_the_illustrative_demo_layers_load_once_and_classify(app, session):
    added = layers.seed_illustrative_layers()
    assert [(x.province, x.kind.value) for x in added] == [
        ("FR", "foerageergebied"),
        ("FR", "natura2000"),
        ("UT", "rustgebied"),
        ("NH", "foerageergebied"),
        ("NH", "buffer"),
    ]
    assert all(x.source.startswith("Illustratief, niet officieel") for x in added)
    assert layers.seed_illustrative_layers() == []
    outline = json.loads(json.dumps(mapping(rd_box(155_900, 470_000, 200, 100))))
    eemland = from_geojson({**outline, "crs": _RD})
    assert classify(eemland, "UT", date(2025, 1, 10)).as_json()["parts"] == [
        {"area_type": "rustgebied", "area_ha": "1.0000"},
        {"area_type": "regular", "area_ha": "1.0000"},
    ]
