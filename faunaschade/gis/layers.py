"""Map layers as versioned data, like the rule sets: a province's layer of one kind is imported
from a file with its validity and source, checked whole, and never overlaps another of the same
province and kind in time."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import shapely
from flask_babel import gettext as _
from shapely.geometry import shape as shape_of_mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import or_, select

from faunaschade.audit import chain as audit
from faunaschade.errors import ValidationFailed
from faunaschade.extensions import db
from faunaschade.gis.files import FileRefused, read_features
from faunaschade.gis.geometry import LAYER, area_ha, rd_geojson
from faunaschade.models import LayerKind, MapLayer
from faunaschade.provinces import PROVINCE_CODES, PROVINCES

#: Most features in one layer file (a province's foraging areas are a few hundred polygons).
MAX_LAYER_FEATURES = 50_000
DATA = Path(__file__).parent / "data"


def describe(layer: MapLayer) -> str:
    """ "#3 FR foerageergebied 2024-11-01 – (open)": how messages and lists name a layer."""
    until = layer.valid_until.isoformat() if layer.valid_until else _("(open)")
    return (
        f"#{layer.id} {layer.province} {layer.kind.value} {layer.valid_from.isoformat()} – {until}"
    )


def overlapping(
    province: str, kind: LayerKind, valid_from: date, valid_until: date | None
) -> list[MapLayer]:
    """The layers of this province and kind whose validity overlaps the period given."""
    query = select(MapLayer).where(
        MapLayer.province == province,
        MapLayer.kind == kind,
        or_(MapLayer.valid_until.is_(None), MapLayer.valid_until >= valid_from),
    )
    if valid_until is not None:
        query = query.where(MapLayer.valid_from <= valid_until)
    return list(db.session.scalars(query.order_by(MapLayer.valid_from)))


def import_layer(
    data: bytes,
    *,
    file_name: str,
    province: str,
    kind: str,
    valid_from: date,
    valid_until: date | None,
    source: str,
    imported_by: str,
) -> MapLayer:
    """Check a layer file whole and store it; ValidationFailed naming the option or the
    features that are wrong, and nothing stored."""
    if province not in PROVINCE_CODES:
        raise ValidationFailed(fields={"province": [_("Onbekende provincie: %(p)s.", p=province)]})
    try:
        layer_kind = LayerKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in LayerKind)
        raise ValidationFailed(
            fields={
                "kind": [_("Onbekende soort kaartlaag: %(k)s (%(kinds)s).", k=kind, kinds=kinds)]
            }
        ) from None
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed(fields={"valid_until": [_("Ligt vóór de begindatum.")]})
    if not source.strip():
        raise ValidationFailed(fields={"source": [_("Geef de bron van de kaartlaag.")]})
    if clash := overlapping(province, layer_kind, valid_from, valid_until):
        raise ValidationFailed(
            fields={
                "valid_from": [
                    _(
                        "De geldigheid overlapt met kaartlaag %(layer)s van %(province)s; "
                        "beëindig die eerst of kies een andere periode.",
                        layer=describe(clash[0]),
                        province=PROVINCES[province],
                    )
                ]
            }
        )
    try:
        features = read_features(data, limits=LAYER, max_features=MAX_LAYER_FEATURES)
    except FileRefused as error:
        raise ValidationFailed(fields={"file": [error.message]}) from None
    if problems := [p for f in features for p in f.problems]:
        raise ValidationFailed(fields={"file": problems[:20]})
    union = shapely.union_all([f.geometry for f in features])
    layer = MapLayer(
        province=province,
        kind=layer_kind,
        valid_from=valid_from,
        valid_until=valid_until,
        source=source.strip(),
        file_name=Path(file_name).name[:200],
        file_sha256=hashlib.sha256(data).hexdigest(),
        feature_count=len(features),
        geometry=rd_geojson(union),
        imported_by=imported_by[:200],
    )
    db.session.add(layer)
    db.session.flush()
    audit.record(
        "map_layer.imported",
        layer,
        data={
            "province": province,
            "kind": layer_kind.value,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
            "file_sha256": layer.file_sha256,
            "features": layer.feature_count,
            "area_ha": str(area_ha(union)),
            "imported_by": layer.imported_by,
        },
    )
    return layer


def layers_in_force(province: str, on: date) -> list[MapLayer]:
    """The province's layers in force on a day (at most one per kind)."""
    return list(
        db.session.scalars(
            select(MapLayer)
            .where(
                MapLayer.province == province,
                MapLayer.valid_from <= on,
                or_(MapLayer.valid_until.is_(None), MapLayer.valid_until >= on),
            )
            .order_by(MapLayer.kind)
        )
    )


def all_layers() -> list[MapLayer]:
    """Every layer, by province, kind and start."""
    return list(
        db.session.scalars(
            select(MapLayer).order_by(MapLayer.province, MapLayer.kind, MapLayer.valid_from)
        )
    )


def layer_shape(layer: MapLayer) -> BaseGeometry:
    """The layer's area in RD New, prepared (read once per file: keyed by its hash)."""
    return _shape(layer.file_sha256, json.dumps(layer.geometry, sort_keys=True))


@lru_cache(maxsize=64)
def _shape(_sha256: str, geometry: str) -> BaseGeometry:
    shape = shape_of_mapping(json.loads(geometry))
    shapely.prepare(shape)
    return shape


# --- the illustrative layers of the demo ---------------------------------------------------


@dataclass(frozen=True)
class Illustrative:
    """A shipped demo layer: made up, NOT the province's map."""

    province: str
    kind: str
    valid_from: date
    file: str


#: Loaded by `flask demo seed`. Every feature says "illustratief, niet officieel".
ILLUSTRATIVE_LAYERS = (
    Illustrative("FR", "foerageergebied", date(2014, 11, 1), "fr_foerageergebied.geojson"),
    Illustrative("FR", "natura2000", date(2014, 11, 1), "fr_natura2000.geojson"),
    Illustrative("UT", "rustgebied", date(2014, 11, 1), "ut_rustgebied.geojson"),
    Illustrative("NH", "foerageergebied", date(2014, 11, 1), "nh_foerageergebied.geojson"),
    Illustrative("NH", "buffer", date(2014, 11, 1), "nh_buffer.geojson"),
)
ILLUSTRATIVE_SOURCE = "Illustratief, niet officieel: demo-kaartlaag van Faunaschade ({file})"


def seed_illustrative_layers() -> list[MapLayer]:
    """Load the demo layers that are not there yet (a layer of that province, kind and start)."""
    added = []
    for item in ILLUSTRATIVE_LAYERS:
        kind = LayerKind(item.kind)
        if overlapping(item.province, kind, item.valid_from, None):
            continue
        added.append(
            import_layer(
                (DATA / item.file).read_bytes(),
                file_name=item.file,
                province=item.province,
                kind=item.kind,
                valid_from=item.valid_from,
                valid_until=None,
                source=ILLUSTRATIVE_SOURCE.format(file=item.file),
                imported_by="flask demo seed",
            )
        )
    return added
