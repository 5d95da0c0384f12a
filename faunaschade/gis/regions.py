"""The outline of the Netherlands and of its provinces: coarse and ILLUSTRATIVE, not official.

Both are good enough to refuse a parcel typed in Belgium or in the North Sea, and to suggest
which province a parcel lies in; near a border they can be wrong by kilometres. The official
boundaries are Kadaster's Bestuurlijke Gebieden (on PDOK); loading those is a data change here.
"""

from __future__ import annotations

from functools import lru_cache

import shapely
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

from faunaschade.gis.crs import CRS84, to_rd

#: A generous outline of the Netherlands with its coastal waters, islands and the IJsselmeer,
#: in WGS84 (longitude, latitude), drawn by hand from a map at about 1:2,500,000.
_NETHERLANDS_WGS84 = [
    (3.30, 51.37),
    (3.40, 51.25),
    (3.90, 51.18),
    (4.25, 51.33),
    (4.50, 51.42),
    (4.80, 51.47),
    (5.05, 51.40),
    (5.25, 51.26),
    (5.55, 51.22),
    (5.80, 51.10),
    (5.63, 50.85),
    (5.68, 50.74),
    (6.02, 50.75),
    (6.03, 50.82),
    (6.10, 50.90),
    (6.05, 51.05),
    (6.20, 51.20),
    (6.25, 51.50),
    (6.00, 51.75),
    (6.40, 51.83),
    (6.85, 51.93),
    (6.80, 52.10),
    (7.05, 52.25),
    (7.05, 52.45),
    (6.75, 52.60),
    (7.08, 52.70),
    (7.22, 53.18),
    (7.05, 53.33),
    (6.95, 53.50),
    (6.60, 53.62),
    (6.00, 53.55),
    (5.20, 53.48),
    (4.70, 53.25),
    (4.55, 52.95),
    (4.40, 52.45),
    (4.00, 51.98),
    (3.60, 51.75),
    (3.35, 51.58),
    (3.30, 51.37),
]
#: How far beyond the drawn line a parcel may still lie (metres): the line is rough.
_MARGIN_M = 3000

#: A point near the middle of each province in RD New (x, y). The provinces are the Voronoi
#: cells of these points inside the outline above: ILLUSTRATIVE, a stand-in until the real
#: boundaries are loaded.
PROVINCE_SEEDS = {
    "GR": (240_000, 580_000),
    "FR": (175_000, 565_000),
    "DR": (240_000, 540_000),
    "OV": (220_000, 495_000),
    "FL": (165_000, 505_000),
    "GE": (190_000, 455_000),
    "UT": (140_000, 455_000),
    "NH": (120_000, 505_000),
    "ZH": (95_000, 445_000),
    "ZE": (45_000, 390_000),
    "NB": (140_000, 395_000),
    "LI": (195_000, 355_000),
}


@lru_cache(maxsize=1)
def netherlands() -> BaseGeometry:
    """The coarse outline of the Netherlands in RD New (prepared for fast tests)."""
    outline = to_rd(Polygon(_NETHERLANDS_WGS84), CRS84).buffer(_MARGIN_M)
    shapely.prepare(outline)
    return outline


@lru_cache(maxsize=1)
def provinces() -> dict[str, BaseGeometry]:
    """Each province's coarse, illustrative area in RD New."""
    country = netherlands()
    seeds = {Point(xy): code for code, xy in PROVINCE_SEEDS.items()}
    cells = shapely.voronoi_polygons(MultiPoint(list(seeds)), extend_to=country)
    areas: dict[str, BaseGeometry] = {}
    for cell in cells.geoms:
        code = next(code for point, code in seeds.items() if cell.contains(point))
        areas[code] = cell.intersection(country)
    return areas


def province_of(shape: BaseGeometry) -> str | None:
    """The province holding the largest part of a geometry in RD New; None outside them all."""
    best, best_area = None, 0.0
    for code, area in provinces().items():
        overlap = area.intersection(shape).area
        if overlap > best_area:
            best, best_area = code, overlap
    return best
