"""/open-data: the open statistics as a page, for everyone, without login."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext

from faunaschade.audit import checkpoints
from faunaschade.i18n import N_
from faunaschade.provinces import PROVINCES
from faunaschade.security import open_data_limit
from faunaschade.statistics import open_data
from faunaschade.statistics.dutch import KEY_LABELS
from faunaschade.statistics.groups import CROP_GROUP_LABELS, SPECIES_GROUP_LABELS
from faunaschade.web.vocab import translated

bp = Blueprint("open_data_web", __name__)

#: The tables the page offers (any grouping is in the API).
GROUPINGS = {
    "damage_year,province": N_("Schadejaar en provincie"),
    "damage_year,species_group": N_("Schadejaar en soortgroep"),
    "damage_year,crop_group": N_("Schadejaar en gewasgroep"),
    "province,species_group": N_("Provincie en soortgroep"),
    "species_group,crop_group": N_("Soortgroep en gewasgroep"),
    "damage_year,province,species_group,crop_group": N_(
        "Schadejaar, provincie, soortgroep en gewasgroep"
    ),
}
DEFAULT = "damage_year,province"


def label(key: str, value: Any) -> str:
    """A key's value in words, in the page's language."""
    if key == "province":
        return PROVINCES.get(value, value)
    if key == "species_group":
        return gettext(SPECIES_GROUP_LABELS[value]) if value in SPECIES_GROUP_LABELS else value
    if key == "crop_group":
        return gettext(CROP_GROUP_LABELS[value]) if value in CROP_GROUP_LABELS else value
    return str(value)


@bp.route("/open-data")
@open_data_limit
def page():
    """The figures of the newest release (or `?release=`) with suppressed cells marked, the
    subtotals, the earlier releases, links to JSON, CSV and the catalogue, the licence and the
    audit log's latest signed checkpoint."""
    chosen = request.args.get("group_by", DEFAULT)
    chosen = chosen if chosen in GROUPINGS else DEFAULT
    group_by = chosen.split(",")
    asked = request.args.get("release", type=int)
    cube = open_data.served(asked)
    status = 404 if cube is None and asked is not None else 200
    latest = checkpoints.latest()
    context: dict[str, Any] = {
        "cube": cube,
        "asked": asked if cube is not None else None,
        "missing": status == 404,
        "releases": open_data.listing(),
        "chosen": chosen,
        "group_by": group_by,
        "groupings": translated(GROUPINGS),
        "license": open_data.CC0,
        "checkpoint": checkpoints.published(latest) if latest else None,
    }
    if cube is not None:
        key_labels = translated(KEY_LABELS)
        context.update(
            rows=cube.level(group_by),
            subtotals=[(keys, cube.level(keys)) for keys in open_data.subsets(group_by)],
            totals=cube.totals(),
            key_labels=key_labels,
            subtotal_names=lambda keys: ", ".join(key_labels[key].lower() for key in keys),
            label=label,
            period=cube.period(),
        )
    return render_template("open_data/page.html", **context), status
