"""Area types derived from the map (issue 16): a claimed parcel's outline is laid over the
province's map layers in force on the day the damage was discovered, and the claim's components
take their area types from the overlap — a parcel that straddles a layer's boundary becomes one
component per area type, the farmer's damaged area split by the overlap's areas.

A parcel without an outline, or in a province without layers in force on that day, keeps the
area type the farmer gives, marked as not checked on the map (AreaCheck). The overlap figures
(hectares per part, the layer and its version, the part's outline) are kept with the claim in
claim_parcel_areas, so whoever reads the claim later sees why, even after the layers change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import shapely
from flask_babel import gettext as _
from shapely.geometry import box, mapping
from shapely.geometry import shape as shape_of_mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select

from faunaschade.extensions import db
from faunaschade.gis.classify import Classification, classify
from faunaschade.gis.crs import to_wgs84
from faunaschade.gis.geometry import FOUR_DECIMALS, GeometryError, from_geojson, rd_geojson
from faunaschade.gis.layers import layer_shape, layers_in_force
from faunaschade.models import (
    AreaCheck,
    AreaType,
    Claim,
    ClaimParcel,
    ClaimParcelArea,
    MapLayer,
    Parcel,
)
from faunaschade.provinces import PROVINCES
from faunaschade.rules.catalogue import AREA_TYPES

#: How far around the claim's parcels the map shows the layers (metres).
MAP_MARGIN_M = 500


@dataclass(frozen=True)
class OnMap:
    """What the map says of one parcel on one claim."""

    check: AreaCheck
    outline: BaseGeometry | None  #: The parcel's outline in RD New; None without one.
    classification: Classification | None  #: The parts per area type, when check is MAP.


def outline_of(parcel: Parcel) -> BaseGeometry | None:
    """The parcel's outline in RD New (checked when it was stored); None without one."""
    if parcel.geometry is None:
        return None
    try:
        return from_geojson(parcel.geometry)
    except GeometryError:  # stored before today's checks and no longer valid: not on the map
        return None


def look_up(parcel: Parcel, province: str, on: date) -> OnMap:
    """The parcel against `province`'s layers in force on `on`."""
    outline = outline_of(parcel)
    if outline is None:
        return OnMap(AreaCheck.NO_OUTLINE, None, None)
    if not layers_in_force(province, on):
        return OnMap(AreaCheck.NO_LAYERS, outline, None)
    return OnMap(AreaCheck.MAP, outline, classify(outline, province, on))


def area_type_name(code: str) -> str:
    """The area type's name in the reader's language."""
    return _(AREA_TYPES.get(code, code))


def hectares(value: Decimal) -> str:
    """'1,2500 ha' as the pages and messages write an area."""
    return _("%(ha)s ha", ha=f"{value:.4f}".replace(".", ","))


def parts_text(classification: Classification) -> str:
    """'ganzenfoerageergebied (1,0000 ha) en regulier gebied (1,0000 ha)'."""
    names = [
        f"{area_type_name(p.area_type.value)} ({hectares(p.area_ha)})" for p in classification.parts
    ]
    if len(names) == 1:
        return names[0]
    return _("%(first)s en %(last)s", first=", ".join(names[:-1]), last=names[-1])


def contradiction(parcel: Parcel, given: str, on_map: OnMap, province: str, on: date) -> str | None:
    """Why an area type given for a parcel on the map contradicts it; None when the map gives
    the parcel land of that type (the map's split applies all the same)."""
    if on_map.classification is None:
        return None
    if AreaType(given) in {p.area_type for p in on_map.classification.parts}:
        return None
    return _(
        "Volgens de kaart van %(province)s op %(day)s ligt perceel '%(name)s' in %(parts)s, "
        "niet in %(given)s. Het gebiedstype volgt uit de kaart: laat het leeg.",
        province=PROVINCES.get(province, province),
        day=f"{on:%d-%m-%Y}",
        name=parcel.name,
        parts=parts_text(on_map.classification),
        given=area_type_name(given),
    )


def missing_area_type(parcel: Parcel, on_map: OnMap, province: str, on: date) -> str:
    """Why the farmer must choose the area type of a parcel that is not on the map."""
    if on_map.check == AreaCheck.NO_OUTLINE:
        return _(
            "Kies het gebiedstype: perceel '%(name)s' heeft geen omtrek, dus de kaart kan het "
            "niet bepalen.",
            name=parcel.name,
        )
    return _(
        "Kies het gebiedstype: er is geen kaart van %(province)s op %(day)s.",
        province=PROVINCES.get(province, province),
        day=f"{on:%d-%m-%Y}",
    )


def split(damaged: Decimal, classification: Classification) -> list[tuple[AreaType, Decimal]]:
    """The damaged area split over the parcel's parts in proportion to their areas, to 0.0001 ha
    and adding up exactly to `damaged` (largest remainder); parts that get nothing are left out.
    """
    target = int(damaged / FOUR_DECIMALS)
    total = classification.area_ha
    exact = [Decimal(target) * part.area_ha / total for part in classification.parts]
    units = [int(value) for value in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - units[i], reverse=True)
    for i in order[: target - sum(units)]:
        units[i] += 1
    return [
        (part.area_type, Decimal(n) * FOUR_DECIMALS)
        for part, n in zip(classification.parts, units, strict=True)
        if n > 0
    ]


def _layers(layer_ids: Iterable[int | None]) -> dict[int, MapLayer]:
    ids = sorted({i for i in layer_ids if i is not None})
    if not ids:
        return {}
    return {
        layer.id: layer
        for layer in db.session.scalars(select(MapLayer).where(MapLayer.id.in_(ids)))
    }


def components(
    parcel: Parcel, line: dict[str, Any], on_map: OnMap
) -> tuple[list[ClaimParcel], list[ClaimParcelArea]]:
    """A claim line as its components (one per area type on the map, else the farmer's one)
    and, on the map, the overlap figures behind them."""
    if on_map.check != AreaCheck.MAP or on_map.classification is None:
        row = ClaimParcel(
            parcel_id=parcel.id,
            parcel=parcel,
            damaged_area_ha=line["damaged_area_ha"],
            area_type=AreaType(line["area_type"]),
            area_check=on_map.check,
        )
        return [row], []
    classification = on_map.classification
    layers = _layers(part.layer_id for part in classification.parts)
    rows = [
        ClaimParcel(
            parcel_id=parcel.id,
            parcel=parcel,
            damaged_area_ha=share,
            area_type=area_type,
            area_check=AreaCheck.MAP,
        )
        for area_type, share in split(line["damaged_area_ha"], classification)
    ]
    figures = [
        ClaimParcelArea(
            parcel_id=parcel.id,
            parcel=parcel,
            area_type=part.area_type,
            area_ha=part.area_ha,
            outline_area_ha=classification.area_ha,
            layer_id=part.layer_id,
            layer_valid_from=layers[part.layer_id].valid_from if part.layer_id else None,
            geometry=rd_geojson(part.geometry),
        )
        for part in classification.parts
    ]
    return rows, figures


def audit_figures(claim: Claim) -> list[dict[str, Any]]:
    """The overlap figures as the audit log records them."""
    return [
        {
            "parcel_id": area.parcel_id,
            "area_type": area.area_type.value,
            "area_ha": str(area.area_ha),
            "layer_id": area.layer_id,
            "layer_valid_from": area.layer_valid_from.isoformat()
            if area.layer_valid_from
            else None,
        }
        for area in claim.parcel_areas
    ]


# --- what the pages and the API show -----------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One row of the table beside the map: a part of a parcel, or a parcel not on the map."""

    parcel_id: int
    parcel_name: str
    area_type: str
    area_ha: Decimal | None  #: The part's area on the map; None when not on the map.
    outline_area_ha: Decimal | None
    damaged_area_ha: Decimal  #: The farmer's damaged area on this part (component).
    area_check: str
    layer_id: int | None
    layer_kind: str | None
    layer_source: str | None
    layer_valid_from: date | None
    note: str  #: "Volgens de kaart", or why the parcel was not checked on the map.


def _note(check: AreaCheck) -> str:
    return {
        AreaCheck.MAP: _("volgens de kaart"),
        AreaCheck.NO_OUTLINE: _("niet op de kaart gecontroleerd: het perceel heeft geen omtrek"),
        AreaCheck.NO_LAYERS: _(
            "niet op de kaart gecontroleerd: geen kaartlaag van de provincie op de ontdekkingsdatum"
        ),
        AreaCheck.NOT_CHECKED: _(
            "niet op de kaart gecontroleerd: opgeslagen vóór de controle op de kaart"
        ),
    }[check]


def figures(claim: Claim) -> list[Figure]:
    """The claim's area types with their figures, parcel by parcel: for a parcel on the map
    each part (its area, the farmer's damaged area on it, the layer), else the farmer's row."""
    damaged = {(row.parcel_id, row.area_type): row.damaged_area_ha for row in claim.parcels}
    layers = _layers(area.layer_id for area in claim.parcel_areas)
    rows: list[Figure] = []
    on_map = {area.parcel_id for area in claim.parcel_areas}
    for area in claim.parcel_areas:
        layer = layers.get(area.layer_id) if area.layer_id else None
        rows.append(
            Figure(
                parcel_id=area.parcel_id,
                parcel_name=area.parcel.name,
                area_type=area.area_type.value,
                area_ha=area.area_ha,
                outline_area_ha=area.outline_area_ha,
                damaged_area_ha=damaged.get((area.parcel_id, area.area_type), Decimal("0")),
                area_check=AreaCheck.MAP.value,
                layer_id=area.layer_id,
                layer_kind=layer.kind.value if layer else None,
                layer_source=layer.source if layer else None,
                layer_valid_from=area.layer_valid_from,
                note=_note(AreaCheck.MAP),
            )
        )
    for row in claim.parcels:
        if row.parcel_id in on_map:
            continue
        rows.append(
            Figure(
                parcel_id=row.parcel_id,
                parcel_name=row.parcel.name,
                area_type=row.area_type.value,
                area_ha=None,
                outline_area_ha=None,
                damaged_area_ha=row.damaged_area_ha,
                area_check=row.area_check.value,
                layer_id=None,
                layer_kind=None,
                layer_source=None,
                layer_valid_from=None,
                note=_note(row.area_check),
            )
        )
    return sorted(rows, key=lambda f: (f.parcel_name.lower(), f.parcel_id, f.area_type))


def _wgs84(shape: BaseGeometry) -> dict[str, Any]:
    """A geometry in RD New as plain GeoJSON in WGS84, to 7 decimals (about 1 cm)."""
    return mapping(shapely.set_precision(to_wgs84(shape), 1e-7))


def map_geojson(claim: Claim) -> dict[str, Any]:
    """The claim's map as a GeoJSON FeatureCollection in WGS84 (what Leaflet draws): the parts
    of the parcels on the map as the claim keeps them, the outlines of the others that have
    one, and the province's layers around them (those the figures name and those in force on
    the day of discovery), cut to the parcels' surroundings."""
    features: list[dict[str, Any]] = []
    shapes: list[BaseGeometry] = []
    table = figures(claim)
    by_part = {(f.parcel_id, f.area_type): f for f in table}
    for area in claim.parcel_areas:
        shape = shape_of_mapping(area.geometry)
        shapes.append(shape)
        features.append(_feature(shape, by_part[area.parcel_id, area.area_type.value]))
    done = {area.parcel_id for area in claim.parcel_areas}
    for figure in table:
        if figure.parcel_id in done:
            continue
        done.add(figure.parcel_id)
        parcel = db.session.get(Parcel, figure.parcel_id)
        outline = outline_of(parcel) if parcel else None
        if outline is not None:
            shapes.append(outline)
            features.append(_feature(outline, figure))
    layers = dict(_layers(area.layer_id for area in claim.parcel_areas))
    if claim.province and claim.discovered_on:
        layers.update(
            {layer.id: layer for layer in layers_in_force(claim.province, claim.discovered_on)}
        )
    if shapes:
        x0, y0, x1, y1 = shapely.union_all(shapes).bounds
        frame = box(x0 - MAP_MARGIN_M, y0 - MAP_MARGIN_M, x1 + MAP_MARGIN_M, y1 + MAP_MARGIN_M)
        for layer in sorted(layers.values(), key=lambda item: (item.kind.value, item.id)):
            cut = layer_shape(layer).intersection(frame)
            if cut.is_empty:
                continue
            features.insert(
                0,
                {
                    "type": "Feature",
                    "geometry": _wgs84(cut),
                    "properties": {
                        "role": "layer",
                        "layer_id": layer.id,
                        "kind": layer.kind.value,
                        "name": area_type_name(layer.kind.value),
                        "valid_from": layer.valid_from.isoformat(),
                        "valid_until": layer.valid_until.isoformat() if layer.valid_until else None,
                        "source": layer.source,
                    },
                },
            )
    return {"type": "FeatureCollection", "features": features}


def _feature(shape: BaseGeometry, figure: Figure) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": _wgs84(shape),
        "properties": {
            "role": "parcel",
            "parcel_id": figure.parcel_id,
            "parcel_name": figure.parcel_name,
            "area_type": figure.area_type,
            "area_type_name": area_type_name(figure.area_type),
            "area_ha": str(figure.area_ha) if figure.area_ha is not None else None,
            "area_check": figure.area_check,
            "layer_id": figure.layer_id,
        },
    }
