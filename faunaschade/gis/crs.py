"""Coordinate systems: which ones a file may use, and the transformation to RD New."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from flask_babel import gettext as _
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:  # the annotations only: pyproj is imported by the first transformation
    from pyproj import Transformer

#: The Dutch national grid (Amersfoort / RD New): areas and overlaps are computed here.
RD_NEW = "EPSG:28992"
#: GeoJSON's own coordinate system (RFC 7946): longitude, latitude on WGS84.
WGS84 = "OGC:CRS84"


class GeometryError(ValueError):
    """An outline that cannot be used; the message is Dutch and names the parcel."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Crs:
    """A coordinate system we accept, and how its points are written."""

    code: str  #: For pyproj: "EPSG:28992", "OGC:CRS84", …
    label: str  #: As shown in a message: "RD New", "WGS84".
    #: Plausible bounds (x, y) of the Netherlands in this system, checked before any float().
    bounds: tuple[tuple[float, float], tuple[float, float]]
    degrees: bool  #: Longitude/latitude rather than metres.
    lat_first: bool = False  #: GML with an EPSG URN for 4326/4258 writes latitude first.


_DEGREES = ((3.0, 7.6), (50.6, 53.8))  # roughly the Netherlands with its waters
RD = Crs("EPSG:28992", "RD New", ((-7_000, 300_000), (289_000, 629_000)), degrees=False)
CRS84 = Crs(WGS84, "WGS84", _DEGREES, degrees=True)
#: The coordinate systems a parcel or layer file may use: RD New (RVO's and the provinces'
#: files), WGS84 (GeoJSON), ETRS89 and UTM zone 31N (INSPIRE downloads). Anything else is
#: refused by name rather than guessed.
_BY_EPSG = {
    "28992": RD,
    "7415": RD,  # RD New + NAP height: the same x and y
    "4326": CRS84,
    "4258": Crs("EPSG:4258", "ETRS89", _DEGREES, degrees=True),
    "25831": Crs(
        "EPSG:25831", "ETRS89 / UTM 31N", ((350_000, 900_000), (5_550_000, 6_000_000)), False
    ),
    "32631": Crs(
        "EPSG:32631", "WGS84 / UTM 31N", ((350_000, 900_000), (5_550_000, 6_000_000)), False
    ),
}
_EPSG = re.compile(
    r"(?:^EPSG:{1,2}|urn:ogc:def:crs:EPSG:[\d.]*:|opengis\.net/def/crs/EPSG/[\d.]+/|epsg\.xml#)"
    r"(\d{4,5})$",
    re.IGNORECASE,
)


def crs_named(name: Any) -> Crs:
    """The coordinate system a name stands for (EPSG code, OGC URN or URL, CRS84)."""
    text = str(name).strip() if isinstance(name, str) else ""
    if re.search(r"CRS:?84$", text, re.IGNORECASE):
        return CRS84
    match = _EPSG.search(text)
    crs = _BY_EPSG.get(match.group(1)) if match else None
    if crs is None:
        shown = text[:80] or str(type(name).__name__)
        raise GeometryError(
            _(
                "Onbekend of niet ondersteund coördinatenstelsel: %(crs)s. Gebruik RD New "
                "(EPSG:28992) of WGS84.",
                crs=shown,
            )
        )
    # An EPSG URN or URL for geographic coordinates means latitude first (GML 3); the short
    # "EPSG:4326" is read longitude first, as GIS programs write it.
    urn = crs.degrees and not text.upper().startswith("EPSG:") and "#" not in text
    return Crs(crs.code, crs.label, crs.bounds, crs.degrees, lat_first=urn)


@lru_cache(maxsize=16)
def _transformer(source: str) -> Transformer:
    from pyproj import Transformer

    # always_xy: x = longitude / easting whatever the system's official axis order; a
    # latitude-first GML file is swapped before it gets here.
    return Transformer.from_crs(source, RD_NEW, always_xy=True)


def to_rd(shape: BaseGeometry, crs: Crs) -> BaseGeometry:
    """The geometry in RD New."""
    if crs.lat_first:
        shape = shapely.transform(shape, lambda xy: xy[:, ::-1])
    if crs.code == RD.code:
        return shape
    transformer = _transformer(crs.code)

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(shape, project)


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    from pyproj import Transformer

    return Transformer.from_crs(RD_NEW, WGS84, always_xy=True)


def to_wgs84(shape: BaseGeometry) -> BaseGeometry:
    """A geometry in RD New in WGS84 (longitude, latitude): what a web map draws."""
    transformer = _to_wgs84()

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(shape, project)
