"""Domain validators with Dutch messages: KvK, IBAN, postcode, GeoJSON parcels."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from itertools import pairwise
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from marshmallow import ValidationError
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import postcode as stdnum_postcode

from faunaschade.i18n import N_

_KVK = re.compile(r"\d{8}")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
# Roughly the Netherlands with its waters, in WGS84 degrees; parcels elsewhere are a typo.
_NL_LON = (3.0, 7.6)
_NL_LAT = (50.6, 53.8)
_EARTH_RADIUS_M = 6_371_008.8
#: Bounds on a parcel outline, checked before any point is: a real parcel has a few hundred
#: points, and a multi-megabyte outline would hold a worker for many seconds.
MAX_VERTICES = 5000
MAX_RINGS = 100
#: Largest outline as typed into the web form, in bytes.
MAX_GEOMETRY_BYTES = 400_000


def kvk(value: str) -> str:
    """Eight digits, leading zeros kept (a KvK number is a string, never an int)."""
    compact = re.sub(r"[\s.]", "", value or "")
    if not _KVK.fullmatch(compact):
        raise ValidationError(_("Een KvK-nummer bestaat uit precies 8 cijfers, bijv. 01234567."))
    return compact


def iban(value: str) -> str:
    """A valid IBAN by checksum, returned compact and upper-case."""
    if not _IBAN_SHAPE.fullmatch(stdnum_iban.compact(value or "")):
        raise ValidationError(_("Dit is geen geldig IBAN, bijv. NL91 ABNA 0417 1643 00."))
    try:
        return stdnum_iban.validate(value or "")
    except InvalidChecksum:
        raise ValidationError(
            _("Dit IBAN klopt niet: het controlegetal past niet bij het rekeningnummer.")
        ) from None
    except StdnumError:
        raise ValidationError(_("Dit is geen geldig IBAN, bijv. NL91 ABNA 0417 1643 00.")) from None


def postcode(value: str) -> str:
    """A Dutch postcode, returned as '1234 AB'."""
    try:
        return stdnum_postcode.validate(value or "")
    except StdnumError:
        raise ValidationError(
            _("Een postcode bestaat uit 4 cijfers en 2 letters, bijv. 1234 AB.")
        ) from None


#: Separators people type in a phone number: "06-12 34 56 78", "(0512) 345678", "+31 6.1234.5678".
_PHONE_SEPARATORS = re.compile(r"[\s\-./()]")
PHONE_EXAMPLE = N_(
    "Geef een Nederlands telefoonnummer: 10 cijfers, bijv. 06 12345678 of 0512 345678."
)


def phone(value: str) -> str:
    """A Dutch phone number (06…, 0512…, +31…, 0031…, "+31 (0)6…"), returned as +31 and the
    9 digits after the trunk 0 ("+31612345678"): one spelling to store and to dial."""
    compact = _PHONE_SEPARATORS.sub("", value or "")
    for prefix in ("+31", "0031"):
        if compact.startswith(prefix):
            national = compact[len(prefix) :]
            national = national[1:] if national.startswith("0") else national  # "+31 (0)6"
            break
    else:
        if not compact.startswith("0"):
            raise ValidationError(_(PHONE_EXAMPLE))
        national = compact[1:]
    if not re.fullmatch(r"[1-9][0-9]{8}", national):
        raise ValidationError(_(PHONE_EXAMPLE))
    return "+31" + national


def email_address(value: str) -> None:
    """An address that the accounts accept (email-validator's rules, not only marshmallow's)."""
    try:
        validate_email(normalise_email(value), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(_("Geef een geldig e-mailadres.")) from None


def _ring_area_m2(ring: list[list[float]]) -> float:
    # Spherical excess on a sphere of the mean earth radius; plenty for parcels (< 0.5 % off).
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in pairwise(ring):
        total += math.radians(lon2 - lon1) * (
            2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2))
        )
    return abs(total) * _EARTH_RADIUS_M**2 / 2


def _check_ring(ring: Any, where: str) -> list[list[float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError(_("%(where)s: een ring heeft minstens 4 punten.", where=where))
    points: list[list[float]] = []
    for n, point in enumerate(ring):
        if (
            not isinstance(point, list | tuple)
            or len(point) not in (2, 3)
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point)
        ):
            raise ValidationError(
                _("%(where)s: elk punt is [lengtegraad, breedtegraad].", where=where)
            )
        # Compared before float(), which overflows on 10**400; NaN and infinity fail here too.
        lon, lat = point[0], point[1]
        if not (_NL_LON[0] <= lon <= _NL_LON[1] and _NL_LAT[0] <= lat <= _NL_LAT[1]):
            shown = f"[{lon}, {lat}]" if abs(lon) < 1000 and abs(lat) < 1000 else str(n + 1)
            raise ValidationError(
                _(
                    "%(where)s: punt %(point)s ligt niet in Nederland "
                    "(WGS84, lengte vóór breedte).",
                    where=where,
                    point=shown,
                )
            )
        if len(point) == 3 and not -1000 <= point[2] <= 10_000:
            raise ValidationError(
                _("%(where)s: punt %(n)s heeft geen hoogte in meters.", where=where, n=n + 1)
            )
        points.append([float(lon), float(lat)])
    if points[0] != points[-1]:
        raise ValidationError(
            _("%(where)s: de ring is niet gesloten (eerste punt ≠ laatste punt).", where=where)
        )
    return points


def _check_size(polygons: list[Any]) -> None:
    """Refuse an outline with too many rings or points, before any point is looked at."""
    head = polygons[: MAX_RINGS + 1]
    rings = [ring for polygon in head if isinstance(polygon, list) for ring in polygon]
    if len(polygons) > MAX_RINGS or len(rings) > MAX_RINGS:
        raise ValidationError(_("Een perceel heeft hoogstens %(n)s ringen.", n=MAX_RINGS))
    points = sum(len(ring) for ring in rings if isinstance(ring, list))
    if points > MAX_VERTICES:
        raise ValidationError(
            _(
                "Een perceel heeft hoogstens %(n)s punten; deze geometrie heeft er %(points)s. "
                "Vereenvoudig de omtrek.",
                n=MAX_VERTICES,
                points=points,
            )
        )


def polygon_area_ha(geometry: dict[str, Any]) -> Decimal:
    """Validate a GeoJSON Polygon or MultiPolygon in the Netherlands; its area in hectares."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_("Geef een GeoJSON-geometrie van het type Polygon of MultiPolygon."))
    if other := sorted(set(geometry) - {"type", "coordinates"}):
        raise ValidationError(
            _(
                "Onbekend onderdeel van de geometrie: %(parts)s (alleen type en coordinates).",
                parts=", ".join(other)[:100],
            )
        )
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("De geometrie heeft geen coördinaten."))
    _check_size(polygons)
    area = 0.0
    for p, polygon in enumerate(polygons):
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(_("polygoon %(p)s: geen ringen.", p=p + 1))
        rings = [
            _check_ring(ring, _("polygoon %(p)s, ring %(r)s", p=p + 1, r=r + 1))
            for r, ring in enumerate(polygon)
        ]
        area += _ring_area_m2(rings[0]) - sum(_ring_area_m2(hole) for hole in rings[1:])
    if area <= 0:
        raise ValidationError(_("De geometrie heeft geen oppervlakte."))
    return Decimal(area / 10_000).quantize(Decimal("0.0001"))


def normalise_email(email: str | None) -> str:
    """The one spelling of an address that is stored and looked up (NFKC, case-folded)."""
    # NFKC maps look-alikes such as full-width "ｆａｒｍｅｒ" onto "farmer"; casefold is the
    # Unicode-wide lower().
    return unicodedata.normalize("NFKC", email or "").strip().casefold()
