"""GET /api/v1/open-data/statistics and /catalog: the open data, for everyone, without login.

Answers carry an ETag (the data version, the suppression settings and what was asked) and
Last-Modified (the newest change), so a client asking again gets 304 Not Modified; public
caches may keep them for OPEN_DATA_MAX_AGE_SECONDS."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, request
from flask_smorest import Blueprint

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


def conditional(body: bytes, mimetype: str, cube: open_data.Cube, *what: Any) -> Response:
    """An answer that public caches may keep, with ETag and Last-Modified; 304 when the
    client has it already."""
    response = Response(body, mimetype=mimetype)
    response.set_etag(cube.etag(*what))
    if cube.modified is not None:
        response.last_modified = cube.modified
    response.headers["Cache-Control"] = (
        f"public, max-age={int(current_app.config['OPEN_DATA_MAX_AGE_SECONDS'])}"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


@bp.route("/statistics")
@open_data_limit
@bp.arguments(OpenDataQuerySchema, location="query")
@bp.response(200, OpenDataSchema)
@bp.doc(responses={200: {"description": "format=csv: the same as CSV", "content": _CSV}})
def statistics(args: dict[str, Any]):
    """Claims, meldingen, granted, paid and assessed damage by damage year, province, species
    group and crop group, with every subtotal and the total; figures that could single out a
    farmer are null with `suppressed: true`."""
    cube = open_data.current()
    group_by = args["group_by"]
    if args["format"] == "csv":
        body = open_data.as_csv(cube, group_by)
        response = conditional(body, "text/csv", cube, "csv", group_by)
        response.headers.set(
            "Content-Disposition", "attachment", filename="faunaschade-open-data.csv"
        )
        return response
    return conditional(open_data.as_json(cube, group_by), "application/json", cube, group_by)


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
    publisher and the JSON and CSV distributions."""
    cube = open_data.current()
    config = current_app.config
    body = json.dumps(
        open_data.catalog(cube, config["PUBLIC_BASE_URL"], config), ensure_ascii=False, indent=1
    ).encode()
    return conditional(body, "application/ld+json", cube, "catalog", config["PUBLIC_BASE_URL"])
