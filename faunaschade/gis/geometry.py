"""Outlines as shapely geometries in RD New (EPSG:28992): read from GeoJSON (WGS84, or another
coordinate system named by a `crs` member) or from a file's features, checked (structure, size,
validity, inside the Netherlands) with Dutch messages naming the parcel, and measured in RD New.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import shapely
from flask_babel import gettext as _
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from faunaschade.gis.crs import CRS84, RD, Crs, GeometryError, crs_named, to_rd
from faunaschade.gis.regions import netherlands

__all__ = ["CRS84", "RD", "Crs", "GeometryError", "crs_named", "to_rd"]

HECTARE_M2 = 10_000
FOUR_DECIMALS = Decimal("0.0001")


@dataclass(frozen=True)
class Limits:
    """How big an outline may be."""

    max_points: int  #: Points over all rings, checked before any point is read.
    max_rings: int  #: Rings over all polygons.
    max_ha: Decimal | None  #: Largest area; None: no limit (a province's layer).


#: A farm parcel: a real one has a few hundred points; a multi-megabyte outline would hold a
#: worker for seconds, and a parcel over 1,000 ha is a typo or another kind of file.
PARCEL = Limits(max_points=5000, max_rings=100, max_ha=Decimal(1000))
#: A province's map layer (all its features together).
LAYER = Limits(max_points=2_000_000, max_rings=200_000, max_ha=None)


def geojson_crs(value: Any) -> Crs:
    """The `crs` member of a GeoJSON object (2008 style, {"type": "name", …}); WGS84 without."""
    if value is None:
        return CRS84
    name = value.get("properties", {}).get("name") if isinstance(value, dict) else None
    if isinstance(value, dict) and not isinstance(value.get("properties"), dict):
        name = None
    if name is None:
        raise GeometryError(
            _(
                'crs: verwacht {"type": "name", "properties": {"name": '
                '"urn:ogc:def:crs:EPSG::28992"}}.'
            )
        )
    return crs_named(name)


def _prefix(label: str | None, where: str) -> str:
    return f"{label}, {where}" if label else where


def _check_size(polygons: list[Any], limits: Limits) -> None:
    """Refuse an outline with too many rings or points, before any point is looked at."""
    head = polygons[: limits.max_rings + 1]
    rings = [ring for polygon in head if isinstance(polygon, list) for ring in polygon]
    if len(polygons) > limits.max_rings or len(rings) > limits.max_rings:
        raise GeometryError(_("Een perceel heeft hoogstens %(n)s ringen.", n=limits.max_rings))
    points = sum(len(ring) for ring in rings if isinstance(ring, list))
    if points > limits.max_points:
        raise GeometryError(
            _(
                "Een perceel heeft hoogstens %(n)s punten; deze geometrie heeft er %(points)s. "
                "Vereenvoudig de omtrek.",
                n=limits.max_points,
                points=points,
            )
        )


def _outside(crs: Crs, where: str, shown: str) -> GeometryError:
    if crs.degrees:
        return GeometryError(
            _(
                "%(where)s: punt %(point)s ligt niet in Nederland (WGS84, lengte vóór breedte).",
                where=where,
                point=shown,
            )
        )
    return GeometryError(
        _(
            "%(where)s: punt %(point)s ligt niet in Nederland (%(crs)s, x vóór y, in meters).",
            where=where,
            point=shown,
            crs=crs.label,
        )
    )


def _check_ring(ring: Any, where: str, crs: Crs) -> list[tuple[float, float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryError(_("%(where)s: een ring heeft minstens 4 punten.", where=where))
    (x_min, x_max), (y_min, y_max) = crs.bounds
    points: list[tuple[float, float]] = []
    for n, point in enumerate(ring):
        if (
            not isinstance(point, list | tuple)
            or len(point) not in (2, 3)
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point)
        ):
            if crs.degrees:
                raise GeometryError(
                    _("%(where)s: elk punt is [lengtegraad, breedtegraad].", where=where)
                )
            raise GeometryError(_("%(where)s: elk punt is [x, y] in meters.", where=where))
        # Compared before float(), which overflows on 10**400; NaN and infinity fail here too.
        x, y = point[0], point[1]
        if not (x_min <= x <= x_max and y_min <= y <= y_max):
            small = abs(x) < 10**7 and abs(y) < 10**8
            raise _outside(crs, where, f"[{x}, {y}]" if small else str(n + 1))
        if len(point) == 3 and not -1000 <= point[2] <= 10_000:
            raise GeometryError(
                _("%(where)s: punt %(n)s heeft geen hoogte in meters.", where=where, n=n + 1)
            )
        points.append((float(x), float(y)))
    if points[0] != points[-1]:
        raise GeometryError(
            _("%(where)s: de ring is niet gesloten (eerste punt ≠ laatste punt).", where=where)
        )
    return points


def from_geojson(
    value: Any, *, label: str | None = None, limits: Limits = PARCEL, crs: Crs | None = None
) -> BaseGeometry:
    """A GeoJSON Polygon or MultiPolygon (WGS84, or in the system of its `crs` member, or in
    `crs` when the file around it named one), checked and returned in RD New."""
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            _prefix_message(
                label, _("Geef een GeoJSON-geometrie van het type Polygon of MultiPolygon.")
            )
        )
    if other := sorted(set(value) - {"type", "coordinates", "crs"}):
        raise GeometryError(
            _(
                "Onbekend onderdeel van de geometrie: %(parts)s (alleen type, coordinates en crs).",
                parts=", ".join(other)[:100],
            )
        )
    source = geojson_crs(value["crs"]) if "crs" in value else (crs or CRS84)
    coordinates = value.get("coordinates")
    polygons = [coordinates] if value["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise GeometryError(_prefix_message(label, _("De geometrie heeft geen coördinaten.")))
    _check_size(polygons, limits)
    shapes = []
    for p, polygon in enumerate(polygons):
        if not isinstance(polygon, list) or not polygon:
            raise GeometryError(_prefix(label, _("polygoon %(p)s: geen ringen.", p=p + 1)))
        rings = [
            _check_ring(
                ring, _prefix(label, _("polygoon %(p)s, ring %(r)s", p=p + 1, r=r + 1)), source
            )
            for r, ring in enumerate(polygon)
        ]
        shapes.append(Polygon(rings[0], rings[1:]))
    shape = shapes[0] if value["type"] == "Polygon" else MultiPolygon(shapes)
    return checked(shape, source, label=label, limits=limits, bounds_checked=True)


def _prefix_message(label: str | None, message: str) -> str:
    return f"{label}: {message}" if label else message


def _check_points(shape: BaseGeometry, crs: Crs, label: str | None, limits: Limits) -> None:
    """Size and plausible bounds of a geometry read from a file (not from GeoJSON)."""
    count = shapely.get_num_coordinates(shape)
    if count > limits.max_points:
        raise GeometryError(
            _prefix_message(
                label,
                _(
                    "Een perceel heeft hoogstens %(n)s punten; deze geometrie heeft er "
                    "%(points)s. Vereenvoudig de omtrek.",
                    n=limits.max_points,
                    points=count,
                ),
            )
        )
    coordinates = shapely.get_coordinates(shape)
    if not np.isfinite(coordinates).all():
        raise GeometryError(_prefix_message(label, _("De geometrie heeft ongeldige coördinaten.")))
    if crs.lat_first:
        coordinates = coordinates[:, ::-1]
    (x_min, x_max), (y_min, y_max) = crs.bounds
    xs, ys = coordinates[:, 0], coordinates[:, 1]
    bad = np.flatnonzero((xs < x_min) | (xs > x_max) | (ys < y_min) | (ys > y_max))
    if bad.size:
        x, y = coordinates[bad[0]]
        raise _outside(crs, label or _("geometrie"), f"[{x:.10g}, {y:.10g}]")


def _reason(shape: BaseGeometry) -> str | None:
    """Why a geometry is invalid, in Dutch; None when it is valid."""
    reason = shapely.is_valid_reason(shape)
    if reason == "Valid Geometry":
        return None
    where = re.search(r"\[([-\d.e+]+) ([-\d.e+]+)\]", reason)
    at = (
        f" (x {float(where.group(1)):.0f}, y {float(where.group(2)):.0f} in RD New)"
        if where
        else ""
    )
    if "Self-intersection" in reason:
        return _("de omtrek snijdt zichzelf%(at)s", at=at)
    if reason.startswith("Too few points"):
        return _("een ring heeft te weinig verschillende punten")
    if reason.startswith("Hole lies outside shell"):
        return _("een gat ligt buiten de buitenrand%(at)s", at=at)
    if reason.startswith(("Nested shells", "Duplicate Rings")):
        return _("delen van het perceel overlappen elkaar%(at)s", at=at)
    return _("de geometrie is ongeldig (%(reason)s)", reason=reason[:80])


def checked(
    shape: BaseGeometry,
    crs: Crs,
    *,
    label: str | None = None,
    limits: Limits = PARCEL,
    bounds_checked: bool = False,
) -> BaseGeometry:
    """The geometry in RD New, refused when it is empty, invalid, outside the Netherlands or
    absurdly large; the message names `label` (e.g. "Perceel 'Noord'")."""
    if not isinstance(shape, Polygon | MultiPolygon):
        raise GeometryError(
            _prefix_message(
                label, _("Geef een GeoJSON-geometrie van het type Polygon of MultiPolygon.")
            )
        )
    if not bounds_checked:
        _check_points(shape, crs, label, limits)
    if shape.is_empty:
        raise GeometryError(_prefix_message(label, _("De geometrie heeft geen oppervlakte.")))
    rd = to_rd(shape, crs)
    if problem := _reason(rd):
        raise GeometryError(f"{label}: {problem}" if label else problem[0].upper() + problem[1:])
    if area_ha(rd) <= 0:
        raise GeometryError(_prefix_message(label, _("De geometrie heeft geen oppervlakte.")))
    what = label or _("De geometrie")
    if not netherlands().covers(rd):
        raise GeometryError(_("%(what)s ligt (deels) buiten Nederland.", what=what))
    if limits.max_ha is not None and area_ha(rd) > limits.max_ha:
        raise GeometryError(
            _(
                "%(what)s is onwaarschijnlijk groot: %(area)s ha (een perceel is hoogstens "
                "%(max)s ha).",
                what=what,
                area=area_ha(rd),
                max=limits.max_ha,
            )
        )
    return rd


def area_ha(shape: BaseGeometry) -> Decimal:
    """The area in hectares to 4 decimals (1 m²), of a geometry in RD New."""
    return (Decimal(repr(shape.area)) / HECTARE_M2).quantize(FOUR_DECIMALS, ROUND_HALF_UP)


def geojson_area_ha(value: Any, *, label: str | None = None) -> Decimal:
    """Check a parcel's GeoJSON outline; its area in hectares computed in RD New."""
    return area_ha(from_geojson(value, label=label))


def rd_geojson(shape: BaseGeometry) -> dict[str, Any]:
    """A geometry in RD New as GeoJSON with its `crs` member, coordinates to the millimetre."""
    rounded = shapely.set_precision(shape, 0.001)
    mapping = shapely.geometry.mapping(rounded if not rounded.is_empty else shape)
    return {
        "type": mapping["type"],
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "coordinates": _lists(mapping["coordinates"]),
    }


def _lists(value: Any) -> Any:
    if isinstance(value, list | tuple) and value and isinstance(value[0], int | float):
        return [round(float(c), 3) for c in value[:2]]
    return [_lists(item) for item in value]
