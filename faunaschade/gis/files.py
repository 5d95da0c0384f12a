"""Reading a parcel or layer file: GML (as RVO's "Mijn percelen" export), a Shapefile in a zip,
or GeoJSON. The type is told by the content, never by the name. Hostile files (not a zip, a zip
bomb, thousands of features, broken XML, a DTD or entity in the XML) are refused with a Dutch
message before they cost much; each feature's own problems are kept with it.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import shapely
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from flask_babel import gettext as _
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from faunaschade.gis.geometry import (
    CRS84,
    PARCEL,
    RD,
    Crs,
    GeometryError,
    Limits,
    checked,
    crs_named,
    from_geojson,
    geojson_crs,
)

#: Largest file (bytes); RVO's export of a large farm is a few hundred kB.
MAX_FILE_BYTES = 10 * 2**20
#: Most features in a farmer's parcel file; a large arable farm has well under a hundred.
MAX_PARCELS = 500
#: Most members of a Shapefile zip, and their size together once unpacked.
MAX_ZIP_MEMBERS = 20
MAX_UNZIPPED_BYTES = 50 * 2**20
#: A member packed tighter than this is a zip bomb, not a shapefile (which packs about 3×).
MAX_ZIP_RATIO = 100
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message is Dutch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Feature:
    """One feature of the file: its id, its properties and its checked outline."""

    id: str  #: The feature's own id (gml:id, fid), else its number in the file.
    properties: dict[str, str]  #: Simple properties as text, keys as in the file.
    geometry: BaseGeometry | None = None  #: In RD New; None when it has problems.
    problems: list[str] = field(default_factory=list)  #: Dutch, each naming the feature.

    def prop(self, *names: str) -> str | None:
        """The first of these properties present (case-insensitive), stripped; None if none."""
        lowered = {k.lower(): v for k, v in self.properties.items()}
        for name in names:
            value = lowered.get(name.lower())
            if value is not None and str(value).strip():
                return str(value).strip()
        return None

    @property
    def label(self) -> str:
        """How a message names the feature: "Perceel 'Noord' (id NL.1)"."""
        name = self.prop("naam", "name", "perceelnaam")
        if name:
            return _("Perceel '%(name)s' (%(id)s)", name=name[:100], id=self.id)
        return _("Perceel %(id)s", id=self.id)


def read_features(
    data: bytes, *, limits: Limits = PARCEL, max_features: int = MAX_PARCELS
) -> list[Feature]:
    """Every feature of a GML, Shapefile-zip or GeoJSON file, each checked on its own."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            _("Het bestand is te groot: hoogstens %(n)s MB.", n=MAX_FILE_BYTES // 2**20)
        )
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        raw = _shapefile_features(data, max_features)
    elif head.startswith(b"<"):
        raw = _gml_features(data, max_features)
    elif head.startswith((b"{", b"[")):
        raw = _geojson_features(data, max_features)
    else:
        raise FileRefused(
            _("Dit bestand kan niet worden gelezen: lever GML, een Shapefile (als zip) of GeoJSON.")
        )
    if not raw:
        raise FileRefused(_("Het bestand bevat geen percelen."))
    features = []
    for feature, shape, crs in raw:
        if not feature.problems:
            try:
                feature.geometry = _checked(shape, crs, feature.label, limits)
            except GeometryError as error:
                feature.problems.append(error.message)
        features.append(feature)
    return features


def _checked(shape: Any, crs: Crs, label: str, limits: Limits) -> BaseGeometry:
    if isinstance(shape, dict):
        return from_geojson(shape, label=label, limits=limits, crs=crs)
    return checked(shape, crs, label=label, limits=limits)


def _too_many(max_features: int) -> FileRefused:
    return FileRefused(_("Het bestand bevat te veel percelen: hoogstens %(n)s.", n=max_features))


# --- GeoJSON -------------------------------------------------------------------------------


def _geojson_features(data: bytes, max_features: int) -> list[tuple[Feature, Any, Crs]]:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise FileRefused(
            _("Dit is geen geldige GeoJSON (JSON kon niet worden gelezen).")
        ) from None
    if not isinstance(document, dict):
        raise FileRefused(_("Verwacht een GeoJSON FeatureCollection, Feature of geometrie."))
    try:
        crs = geojson_crs(document.get("crs"))
    except GeometryError as error:
        raise FileRefused(error.message) from None
    kind = document.get("type")
    if kind == "FeatureCollection":
        members = document.get("features")
        if not isinstance(members, list):
            raise FileRefused(_("De FeatureCollection heeft geen lijst 'features'."))
    elif kind == "Feature":
        members = [document]
    elif kind in ("Polygon", "MultiPolygon"):
        members = [{"type": "Feature", "geometry": document, "properties": {}}]
    else:
        raise FileRefused(_("Verwacht een GeoJSON FeatureCollection, Feature of geometrie."))
    if len(members) > max_features:
        raise _too_many(max_features)
    found = []
    for n, member in enumerate(members, start=1):
        member = member if isinstance(member, dict) else {}
        raw_id = member.get("id")
        properties = member.get("properties") if isinstance(member.get("properties"), dict) else {}
        simple = {
            str(k)[:100]: str(v)[:200]
            for k, v in properties.items()
            if isinstance(v, str | int | float) and not isinstance(v, bool)
        }
        ident = str(raw_id)[:100] if isinstance(raw_id, str | int) else str(n)
        feature = Feature(id=ident, properties=simple)
        geometry = member.get("geometry")
        if not isinstance(geometry, dict):
            feature.problems.append(_("%(label)s: geen geometrie.", label=feature.label))
        found.append((feature, geometry, crs))
    return found


# --- GML -----------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _gml_features(data: bytes, max_features: int) -> list[tuple[Feature, Any, Crs]]:
    try:
        # No DTD, no entities, no external references: XXE and billion-laughs are refused.
        root = parse_xml(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FileRefused(
            _(
                "Het GML-bestand bevat een DTD of entiteiten; die worden om "
                "veiligheidsredenen geweigerd."
            )
        ) from None
    except (ParseError, ValueError):
        raise FileRefused(_("Het GML-bestand is geen geldige XML.")) from None
    default = _srs(root, None)
    members = list(_feature_elements(root))
    if len(members) > max_features:
        raise _too_many(max_features)
    found = []
    for n, element in enumerate(members, start=1):
        ident = next((v for k, v in element.attrib.items() if _local(k) in ("id", "fid")), str(n))[
            :100
        ]
        properties = {
            _local(child.tag)[:100]: (child.text or "").strip()[:200]
            for child in element
            if len(child) == 0 and (child.text or "").strip()
        }
        feature = Feature(id=ident, properties=properties)
        try:
            shape, crs = _gml_geometry(element, default)
        except GeometryError as error:
            feature.problems.append(f"{feature.label}: {error.message}")
            shape, crs = None, RD
        if shape is None and not feature.problems:
            feature.problems.append(_("%(label)s: geen geometrie.", label=feature.label))
        found.append((feature, shape, crs))
    return found


def _feature_elements(root: Element) -> Iterator[Element]:
    """The features of a WFS/GML collection (gml:featureMember, wfs:member, …)."""
    for member in root.iter():
        name = _local(member.tag)
        if name in ("featureMember", "member"):
            yield from list(member)[:1]
        elif name == "featureMembers":
            yield from member


def _srs(element: Element, inherited: Crs | None) -> Crs | None:
    name = element.get("srsName")
    if name is None:
        envelope = next((e for e in element.iter() if _local(e.tag) == "Envelope"), None)
        name = envelope.get("srsName") if envelope is not None else None
    return crs_named(name) if name else inherited


_SURFACES = ("Polygon", "Surface", "MultiSurface", "MultiPolygon")


def _gml_geometry(feature: Element, default: Crs | None) -> tuple[BaseGeometry | None, Crs]:
    geometry = next((e for e in feature.iter() if _local(e.tag) in _SURFACES), None)
    if geometry is None:
        return None, default or RD
    name = geometry.get("srsName")
    crs = crs_named(name) if name else default
    if crs is None:
        raise GeometryError(_("de geometrie noemt geen coördinatenstelsel (srsName)."))
    polygons = [
        _gml_polygon(p) for p in geometry.iter() if _local(p.tag) in ("Polygon", "PolygonPatch")
    ]
    if not polygons:
        return None, crs
    shape = (
        polygons[0]
        if len(polygons) == 1 and _local(geometry.tag) == "Polygon"
        else MultiPolygon(polygons)
    )
    return shape, crs


def _gml_polygon(element: Element) -> Polygon:
    exterior: list[tuple[float, float]] | None = None
    holes = []
    for boundary in element:
        name = _local(boundary.tag)
        ring = next((e for e in boundary.iter() if _local(e.tag) == "LinearRing"), None)
        if ring is None:
            continue
        points = _gml_points(ring)
        if name in ("exterior", "outerBoundaryIs"):
            exterior = points
        elif name in ("interior", "innerBoundaryIs"):
            holes.append(points)
    if exterior is None:
        raise GeometryError(_("een polygoon zonder buitenrand."))
    for ring in (exterior, *holes):
        if len(ring) < 4:
            raise GeometryError(_("een ring heeft minstens 4 punten."))
        if ring[0] != ring[-1]:
            raise GeometryError(_("de ring is niet gesloten (eerste punt ≠ laatste punt)."))
    return Polygon(exterior, holes)


def _numbers(text: str) -> list[float]:
    try:
        return [float(v) for v in text.replace(",", " ").split()]
    except ValueError:
        raise GeometryError(_("een coördinaat is geen getal.")) from None


def _gml_points(ring: Element) -> list[tuple[float, float]]:
    for child in ring:
        name = _local(child.tag)
        if name == "posList":
            dimension = int(child.get("srsDimension") or 2)
            if dimension not in (2, 3):
                raise GeometryError(_("srsDimension moet 2 of 3 zijn."))
            values = _numbers(child.text or "")
            if len(values) % dimension:
                raise GeometryError(_("een posList met een onvolledig punt."))
            return [(values[i], values[i + 1]) for i in range(0, len(values), dimension)]
        if name == "coordinates":  # GML 2: "x,y x,y …"
            pairs = [p.split(",") for p in (child.text or "").split()]
            try:
                return [(float(p[0]), float(p[1])) for p in pairs]
            except (ValueError, IndexError):
                raise GeometryError(_("een coördinaat is geen getal.")) from None
    positions = [_numbers(c.text or "")[:2] for c in ring if _local(c.tag) == "pos"]
    if any(len(p) < 2 for p in positions):
        raise GeometryError(_("een coördinaat is geen getal."))
    return [(p[0], p[1]) for p in positions]


# --- Shapefile in a zip --------------------------------------------------------------------


def _shapefile_features(data: bytes, max_features: int) -> list[tuple[Feature, Any, Crs]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused(_("Het zip-bestand is beschadigd of geen zip.")) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileRefused(
            _("Het zip-bestand bevat te veel bestanden: hoogstens %(n)s.", n=MAX_ZIP_MEMBERS)
        )
    wanted = {}
    for member in members:
        base = member.filename.replace("\\", "/").rsplit("/", 1)[-1]
        stem, ext = os.path.splitext(base)
        if ext.lower() in _SHAPEFILE_PARTS and stem and not base.startswith("."):
            wanted.setdefault(ext.lower(), member)
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES or any(
        m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1) for m in members
    ):
        raise FileRefused(_("Het zip-bestand pakt uit tot een onredelijke grootte; geweigerd."))
    if not {".shp", ".shx", ".dbf"} <= set(wanted):
        raise FileRefused(
            _("In de zip ontbreekt een deel van de Shapefile (.shp, .shx en .dbf zijn nodig).")
        )
    with tempfile.TemporaryDirectory(prefix="percelen-") as folder:
        for ext, member in wanted.items():
            # Read at most what the header promised: a member that lies about its size stops.
            try:
                with archive.open(member) as source:
                    content = source.read(member.file_size + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
                raise FileRefused(_("Het zip-bestand is beschadigd of geen zip.")) from None
            if len(content) > member.file_size:
                raise FileRefused(
                    _("Het zip-bestand pakt uit tot een onredelijke grootte; geweigerd.")
                )
            with open(os.path.join(folder, "percelen" + ext), "wb") as target:
                target.write(content)
        return _read_shapefile(os.path.join(folder, "percelen.shp"), ".prj" in wanted, max_features)


def _read_shapefile(path: str, has_prj: bool, max_features: int) -> list[tuple[Feature, Any, Crs]]:
    # Imported here: only a Shapefile needs GDAL (pyogrio), not the app's start.
    import pyogrio

    # What GDAL raises on a damaged Shapefile.
    ogr_errors = (
        pyogrio.errors.CRSError,
        pyogrio.errors.DataSourceError,
        pyogrio.errors.DataLayerError,
        pyogrio.errors.FeatureError,
        pyogrio.errors.FieldError,
        pyogrio.errors.GeometryError,
    )
    try:
        info = pyogrio.read_info(path)
        if info["features"] > max_features:
            raise _too_many(max_features)
        meta, fids, geometries, values = pyogrio.raw.read(path, return_fids=True)
    except ogr_errors:
        raise FileRefused(_("De Shapefile in de zip kan niet worden gelezen.")) from None
    # Without a .prj the coordinates are taken as RD New, the system of RVO's files; a file in
    # degrees then lies outside the Netherlands and is refused as such.
    crs = RD
    if has_prj and meta.get("crs"):
        try:
            crs = crs_named(_epsg_of(meta["crs"]))
        except GeometryError as error:
            raise FileRefused(error.message) from None
    found = []
    for n, (fid, wkb) in enumerate(zip(fids, geometries, strict=True)):
        properties = {
            str(name)[:100]: str(column[n]).strip()[:200]
            for name, column in zip(meta["fields"], values, strict=True)
            if column[n] is not None and str(column[n]).strip()
        }
        feature = Feature(id=str(int(fid)), properties=properties)
        shape = shapely.from_wkb(wkb) if wkb is not None else None
        if shape is None:
            feature.problems.append(_("%(label)s: geen geometrie.", label=feature.label))
        found.append((feature, shape, crs))
    return found


def _epsg_of(crs: str) -> str:
    """pyogrio names a recognised system "EPSG:28992"; otherwise WKT, identified by pyproj."""
    if crs.upper().startswith("EPSG:"):
        return crs
    # Imported here: only a .prj without an EPSG code needs pyproj's identification.
    from pyproj import CRS

    try:
        found = CRS.from_user_input(crs).to_epsg(min_confidence=70)
    except Exception:  # pyproj raises its own CRSError and others on nonsense
        found = None
    return f"EPSG:{found}" if found else crs[:80]


__all__ = ["CRS84", "Feature", "FileRefused", "read_features"]
