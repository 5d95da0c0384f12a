"""GET /api/v1/open-data/statistics and /catalog: the open data, for everyone, without login.

The figures are those of a published release (statistics/releases.py): the newest, or an
older one with `?release=<id>`. Answers carry an ETag (the release and what was asked) and
Last-Modified (when the release was cut), so a client asking again gets 304 Not Modified;
public caches may keep the newest for OPEN_DATA_MAX_AGE_SECONDS and an older release for a
year (it never changes)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, request
from flask_babel import gettext as _

from faunaschade.api.blueprint import Blueprint
from faunaschade.errors import NotFound
from faunaschade.schemas.open_data import OpenDataQuerySchema, OpenDataSchema
from faunaschade.security import open_data_limit
from faunaschade.statistics import open_data

bp = Blueprint(
    "open_data",
    __name__,
    url_prefix="/api/v1/open-data",
    description="Open data: statistics without login, small figures suppressed (CC0)",
)
_CSV = {"text/csv": {"schema": {"type": "string"}}}
#: A named release never changes.
_A_YEAR = 365 * 24 * 3600


def release_or_404(release_id: int | None) -> open_data.Cube:
    """The release asked for (the newest by default); 404 naming `release` when there is none."""
    cube = open_data.served(release_id)
    if cube is not None:
        return cube
    if release_id is None:
        raise NotFound(_("Er zijn nog geen open data gepubliceerd."))
    raise NotFound(
        _("Release %(id)s van de open data bestaat niet.", id=release_id),
        fields={"release": [_("Geen bestaand releasenummer.")]},
    )


def conditional(
    body: bytes, mimetype: str, cube: open_data.Cube, named: bool, *what: Any
) -> Response:
    """An answer that public caches may keep, with ETag and Last-Modified; 304 when the
    client has it already."""
    response = Response(body, mimetype=mimetype)
    response.set_etag(cube.etag(*what))
    response.last_modified = cube.modified
    if named:
        response.headers["Cache-Control"] = f"public, max-age={_A_YEAR}, immutable"
    else:
        max_age = int(current_app.config["OPEN_DATA_MAX_AGE_SECONDS"])
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


@bp.route("/statistics")
@open_data_limit
@bp.arguments(OpenDataQuerySchema, location="query")
@bp.response(200, OpenDataSchema)
@bp.doc(responses={200: {"description": "format=csv: the same as CSV", "content": _CSV}})
def statistics(args: dict[str, Any]):
    """Claims, meldingen, granted, paid and assessed damage by damage year, province, species
    group and crop group, with every subtotal and the total, of the newest release (or
    `release`); figures that could single out a farmer are null with `suppressed: true`."""
    cube = release_or_404(args["release"])
    named = args["release"] is not None
    group_by = args["group_by"]
    if args["format"] == "csv":
        body = open_data.as_csv(cube, group_by)
        response = conditional(body, "text/csv", cube, named, "csv", group_by)
        response.headers.set(
            "Content-Disposition",
            "attachment",
            filename=f"faunaschade-open-data-release-{cube.release_id}.csv",
        )
        return response
    body = open_data.as_json(cube, group_by)
    return conditional(body, "application/json", cube, named, group_by)


@bp.route("/catalog")
@open_data_limit
@bp.doc(
    responses={
        200: {
            "description": "DCAT-AP-NL 3.0 description of the dataset (JSON-LD)",
            "content": {"application/ld+json": {"schema": {"type": "object"}}},
        }
    }
)
def catalog():
    """The dataset's DCAT-AP-NL description: licence (CC0), period, last change, contact,
    publisher, the JSON and CSV distributions of the newest release, and every release as a
    version with its own."""
    cube = release_or_404(None)
    config = current_app.config
    base = config["PUBLIC_BASE_URL"]

    def make() -> bytes:
        described = open_data.catalog(cube, open_data.listing(), base, config)
        return json.dumps(described, ensure_ascii=False, indent=1).encode()

    body = open_data.cached(cube, ("catalog", base, config["OPEN_DATA_RELEASE_INTERVAL"]), make)
    return conditional(body, "application/ld+json", cube, False, "catalog", base)
