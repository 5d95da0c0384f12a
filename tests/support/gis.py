"""Parcel and layer files as RVO and the provinces hand them out, made in the test."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from shapely.geometry import Polygon, box

#: Near Joure (Fryslân), in RD New: a field of 200 × 100 m is 2 ha.
X, Y = 186_000, 552_000

#: A bow tie: its outline crosses itself.
BOW_TIE = Polygon([(X, Y + 300), (X + 100, Y + 400), (X + 100, Y + 300), (X, Y + 400)])


def rd_box(x: float, y: float, width: float, height: float) -> Polygon:
    """A rectangle in RD New from its south-west corner, in metres."""
    return box(x, y, x + width, y + height)


def rvo_parcels() -> list[dict[str, Any]]:
    """Three parcels as RVO's "Mijn percelen" lists them: two good ones and a bow tie."""
    return [
        {
            "id": "perceel.1",
            "sectorId": "1000001",
            "naam": "Noord",
            "gewascode": "265",
            "gewas": "Grasland, blijvend",
            "geometry": rd_box(X, Y, 200, 100),
        },
        {
            "id": "perceel.2",
            "sectorId": "1000002",
            "naam": "Zuid",
            "gewascode": "2014",
            "gewas": "Aardappelen, consumptie",
            "geometry": rd_box(X, Y - 200, 150, 100),
        },
        {
            "id": "perceel.3",
            "sectorId": "1000003",
            "naam": "Vlinder",
            "gewascode": "266",
            "gewas": "Grasland, tijdelijk",
            "geometry": BOW_TIE,
        },
    ]


def _pos_list(ring: Any) -> str:
    return " ".join(f"{x:.3f} {y:.3f}" for x, y in ring.coords)


def rvo_gml(
    parcels: list[dict[str, Any]] | None = None, srs: str = "urn:ogc:def:crs:EPSG::28992"
) -> bytes:
    """A WFS 2 FeatureCollection with gml:Polygon in EPSG:28992, as RVO's export looks."""
    members = []
    for p in parcels if parcels is not None else rvo_parcels():
        polygon = p["geometry"]
        holes = "".join(
            f"<gml:interior><gml:LinearRing><gml:posList>{_pos_list(h)}</gml:posList>"
            "</gml:LinearRing></gml:interior>"
            for h in polygon.interiors
        )
        members.append(
            f"""  <wfs:member>
    <rvo:Perceel gml:id="{p["id"]}">
      <rvo:sectorId>{p["sectorId"]}</rvo:sectorId>
      <rvo:naam>{p["naam"]}</rvo:naam>
      <rvo:gewascode>{p["gewascode"]}</rvo:gewascode>
      <rvo:gewas>{p["gewas"]}</rvo:gewas>
      <rvo:geometrie>
        <gml:Polygon gml:id="{p["id"]}.geom" srsName="{srs}" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>{_pos_list(polygon.exterior)}</gml:posList></gml:LinearRing></gml:exterior>{holes}
        </gml:Polygon>
      </rvo:geometrie>
    </rvo:Perceel>
  </wfs:member>"""
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" '
        'xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:rvo="http://www.rvo.nl/mijnpercelen" '
        f'numberMatched="{len(members)}" numberReturned="{len(members)}">\n'
        + "\n".join(members)
        + "\n</wfs:FeatureCollection>\n"
    ).encode()


def shapefile_zip(
    tmp_path: Path, parcels: list[dict[str, Any]] | None = None, crs: str | None = "EPSG:28992"
) -> bytes:
    """The same parcels as a Shapefile (written by GDAL through pyogrio), zipped."""
    parcels = parcels if parcels is not None else rvo_parcels()[:2]
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    path = folder / "percelen.shp"
    names = ["NAAM", "GEWASCODE", "GEWAS"]
    with warnings.catch_warnings():
        # Without a crs GDAL warns that the file has no .prj: that is what the test wants.
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.raw.write(
            str(path),
            np.array([shapely.to_wkb(p["geometry"]) for p in parcels], dtype=object),
            [
                np.array([p[k.lower() if k != "NAAM" else "naam"] for p in parcels], dtype=object)
                for k in names
            ],
            fields=names,
            geometry_type="Polygon",
            crs=crs,
            driver="ESRI Shapefile",
        )
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(folder.iterdir()):
            archive.write(part, f"Percelen/{part.name}")
    return packed.getvalue()


def feature_collection(
    features: list[tuple[str, Polygon]],
    crs: str | None = "urn:ogc:def:crs:EPSG::28992",
    **props: Any,
) -> bytes:
    """A GeoJSON FeatureCollection (with a crs member unless None)."""
    document: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": fid,
                "properties": {"naam": fid, **props},
                "geometry": shapely.geometry.mapping(shape),
            }
            for fid, shape in features
        ],
    }
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(document).encode()


def upload(client, headers, content: bytes, name: str = "percelen.gml"):
    """POST the file to /api/v1/parcels/import as multipart field `file`.

    The body is built here as bytes: the test client's own builder spools a large file to a
    temporary file that it never closes.
    """
    boundary = "grens-7d1f"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        "/api/v1/parcels/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )
