"""The overlap of a geometry with the layers in force: its area split into parts per area type.

Where layers of different kinds overlap each other, a piece of land counts once, for the first
kind in PRECEDENCE (see the README): rustgebied, natura2000, foerageergebied, buffer; what no
layer covers is regular. The parts are rounded to 0.0001 ha (1 m²) so that they add up exactly
to the rounded total (largest remainder).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shapely.geometry.base import BaseGeometry

from faunaschade.gis.geometry import FOUR_DECIMALS, area_ha
from faunaschade.gis.layers import layer_shape, layers_in_force
from faunaschade.models import AreaType, LayerKind

#: Which layer wins where layers of different kinds overlap: the first listed.
PRECEDENCE = (
    LayerKind.RUSTGEBIED,
    LayerKind.NATURA2000,
    LayerKind.FOERAGEERGEBIED,
    LayerKind.BUFFER,
)
#: Each layer kind is the area type of the same name (natura2000 included: the rule sets know
#: natura2000 as an area type of its own).
AREA_TYPE = {kind: AreaType(kind.value) for kind in LayerKind}


@dataclass(frozen=True)
class Part:
    """A piece of the geometry of one area type."""

    area_type: AreaType
    area_ha: Decimal
    geometry: BaseGeometry  #: In RD New (for a map to draw; not rounded).
    layer_id: int | None  #: The layer it lies in; None for regular land.


@dataclass(frozen=True)
class Classification:
    """A geometry's area and its parts per area type, the parts adding up to the area."""

    area_ha: Decimal
    parts: tuple[Part, ...]

    def as_json(self) -> dict:
        """{"area_ha": "…", "parts": [{"area_type", "area_ha"}]}: the command's answer."""
        return {
            "area_ha": str(self.area_ha),
            "parts": [
                {"area_type": p.area_type.value, "area_ha": str(p.area_ha)} for p in self.parts
            ],
        }


def classify(shape: BaseGeometry, province: str, on: date) -> Classification:
    """Split a geometry in RD New by the province's layers in force on `on`."""
    by_kind = {layer.kind: layer for layer in layers_in_force(province, on)}
    rest = shape
    pieces: list[tuple[AreaType, BaseGeometry, int | None]] = []
    for kind in PRECEDENCE:
        layer = by_kind.get(kind)
        if layer is None or rest.is_empty:
            continue
        area = layer_shape(layer)
        pieces.append((AREA_TYPE[kind], rest.intersection(area), layer.id))
        rest = rest.difference(area)
    pieces.append((AreaType.REGULAR, rest, None))
    total = area_ha(shape)
    shares = _apportion([piece.area for _, piece, _ in pieces], total)
    parts = tuple(
        Part(area_type, share, piece, layer_id)
        for (area_type, piece, layer_id), share in zip(pieces, shares, strict=True)
        if share > 0
    )
    return Classification(total, parts)


def _apportion(areas_m2: list[float], total: Decimal) -> list[Decimal]:
    """Whole square metres (0.0001 ha) per piece adding up exactly to `total` (largest
    remainder; the pieces' own areas may differ from the total by a rounding error)."""
    target = int(total / FOUR_DECIMALS)
    floors = [math.floor(a) for a in areas_m2]
    order = sorted(range(len(areas_m2)), key=lambda i: areas_m2[i] - floors[i], reverse=True)
    missing = target - sum(floors)
    for i in order[: max(missing, 0)]:
        floors[i] += 1
    # Pieces whose float areas add up to more than the total (rare): take from the smallest
    # remainders, never below zero.
    for i in reversed(order):
        if missing >= 0:
            break
        if floors[i] > 0:
            floors[i] -= 1
            missing += 1
    return [Decimal(n) * FOUR_DECIMALS for n in floors]
