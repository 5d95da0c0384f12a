"""``flask layers``: import and list map layers; ``flask gis classify``: a geometry's parts per
area type on a day. Bad input names the field or option and exits with status 2."""

from __future__ import annotations

import getpass
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

from faunaschade.errors import ValidationFailed
from faunaschade.extensions import db
from faunaschade.gis import layers as map_layers
from faunaschade.gis.classify import classify
from faunaschade.gis.geometry import LAYER, GeometryError, from_geojson
from faunaschade.models import LayerKind
from faunaschade.provinces import PROVINCE_CODES

BAD_INPUT = 2
#: The options as the messages name them.
_OPTIONS = {"valid_from": "--valid-from", "valid_until": "--valid-until", "file": "FILE"}


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        click.echo(f"error: {line}", err=True)
    raise SystemExit(BAD_INPUT)


@click.group(name="layers")
def layers() -> None:
    """Map layers (foraging and rest areas, Natura 2000, buffer zones) as versioned data."""


@layers.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--province", required=True, help="Two-letter code, e.g. FR.")
@click.option("--kind", required=True, type=click.Choice([k.value for k in LayerKind]))
@click.option("--valid-from", "valid_from", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--valid-until", "valid_until", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--source", required=True, help="Where the layer was published (title, date, URL).")
def import_command(
    file: Path,
    province: str,
    kind: str,
    valid_from: datetime,
    valid_until: datetime | None,
    source: str,
) -> None:
    """Check a layer file (GeoJSON, GML or Shapefile zip) whole and store it with its validity."""
    try:
        layer = map_layers.import_layer(
            file.read_bytes(),
            file_name=file.name,
            province=province.upper(),
            kind=kind,
            valid_from=valid_from.date(),
            valid_until=valid_until.date() if valid_until else None,
            source=source,
            imported_by=f"flask layers import ({getpass.getuser()})",
        )
    except ValidationFailed as error:
        db.session.rollback()
        _fail(
            [
                f"{_OPTIONS.get(field, '--' + field.replace('_', '-'))}: {message}"
                for field, messages in error.fields.items()
                for message in messages
            ]
        )
    db.session.commit()
    click.echo(f"imported {map_layers.describe(layer)}: {layer.feature_count} features")


@layers.command("list")
def list_command() -> None:
    """Every layer with its validity, features, file hash and source."""
    for layer in map_layers.all_layers():
        click.echo(
            f"{map_layers.describe(layer)}  {layer.feature_count} features  "
            f"sha256 {layer.file_sha256[:12]}  {layer.file_name}  {layer.source}"
        )


@click.group(name="gis")
def gis() -> None:
    """Geometry: classify a parcel by the map layers in force."""


def _classify_one(item: Any, prefix: str) -> tuple[dict | None, list[str]]:
    def named(field: str) -> str:
        return f"{prefix}.{field}" if prefix else field

    if not isinstance(item, dict):
        return None, [f"{prefix or 'input'}: expected an object with province, on, geometry"]
    problems = [
        f"{named(field)}: unknown field"
        for field in sorted(set(item) - {"province", "on", "geometry"})
    ]
    province, on, shape = item.get("province"), None, None
    if province not in PROVINCE_CODES:
        problems.append(f"{named('province')}: expected one of {', '.join(PROVINCE_CODES)}")
    try:
        on = date.fromisoformat(item.get("on")) if isinstance(item.get("on"), str) else None
    except ValueError:
        on = None
    if on is None or len(item["on"]) != 10:
        problems.append(f"{named('on')}: expected a date YYYY-MM-DD")
    if "geometry" not in item:
        problems.append(f"{named('geometry')}: missing")
    else:
        try:
            shape = from_geojson(item["geometry"], limits=LAYER)
        except GeometryError as error:
            problems.append(f"{named('geometry')}: {error.message}")
    if problems:
        return None, problems
    return classify(shape, province, on).as_json(), []


@gis.command("classify")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def classify_command(source: TextIO) -> None:
    """Read {"province", "on", "geometry"} or a list of them (stdin, or SOURCE); write each
    geometry's area and its parts per area type (hectares, 4 decimals, RD New) as JSON."""
    try:
        data = json.load(source)
    except ValueError as error:
        _fail([f"input: not valid JSON: {error}"])
    many = isinstance(data, list)
    answers, problems = [], []
    for index, item in enumerate(data if many else [data]):
        answer, found = _classify_one(item, f"[{index}]" if many else "")
        problems += found
        if answer is not None:
            answers.append(answer)
    if problems:
        _fail(problems)
    click.echo(json.dumps(answers if many else answers[0], ensure_ascii=False, indent=2))
