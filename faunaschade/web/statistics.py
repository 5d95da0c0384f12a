"""The auditor's dashboard: filters, key figures, charts and the table, with CSV/XLSX export."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext
from flask_login import current_user
from marshmallow import EXCLUDE, ValidationError

from faunaschade.access import roles_required
from faunaschade.clock import damage_year, today
from faunaschade.downloads import statistics_download
from faunaschade.i18n import N_, translate
from faunaschade.models import Role
from faunaschade.money import format_eur
from faunaschade.provinces import PROVINCES
from faunaschade.rules.catalogue import CROPS, SPECIES
from faunaschade.schemas.statistics import StatisticsQuerySchema
from faunaschade.statistics import dutch
from faunaschade.statistics import figures as statistics
from faunaschade.statistics.dutch import KEY_LABELS, OUTCOME_LABELS
from faunaschade.web import charts
from faunaschade.web.vocab import name_of, translated

bp = Blueprint("statistics_web", __name__)
readers = roles_required(Role.AUDITOR, Role.OFFICER)

# The words of the page are Dutch message ids, translated per request (gettext, translated).
#: Row groupings offered for the table.
TABLE_GROUPINGS = {
    "damage_year,province": N_("Schadejaar en provincie"),
    "province": N_("Provincie"),
    "species": N_("Diersoort"),
    "crop": N_("Teelt"),
    "month": N_("Maand van ontdekking"),
    "outcome": N_("Uitkomst van het besluit"),
    "damage_year": N_("Schadejaar"),
}
#: The filters' names, for the summary of refused filters.
FILTER_LABELS = {
    **KEY_LABELS,
    "group_by": N_("Tabel per"),
    "date_from": N_("Van"),
    "date_to": N_("Tot en met"),
}


def _arguments() -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The filters from the query string; bad values are reported and left out."""
    raw = {key: value for key, value in request.args.items() if value.strip()}
    raw.pop("format", None)
    if raw.get("group_by") not in TABLE_GROUPINGS:
        raw["group_by"] = "damage_year,province"
    schema = StatisticsQuerySchema(unknown=EXCLUDE)
    try:
        return schema.load(raw), {}
    except ValidationError as error:
        errors = translate(error.messages) if isinstance(error.messages, dict) else {}
        valid = {k: v for k, v in raw.items() if k not in errors}
        return schema.load(valid), errors  # type: ignore[return-value]


def label(key: str, value: Any) -> str:
    """A group key's value in words, in the page's language: the Dutch export's words
    (statistics/dutch.py) translated, the catalogue's names in the page's language."""
    if key == "species" and value in SPECIES:
        return name_of(SPECIES[value])
    if key == "crop" and value in CROPS:
        return name_of(CROPS[value])
    words = dutch.label(key, value)
    return gettext(words) if value is None or key in ("month", "outcome") else words


def _year_items(by_year: list[dict], chosen: int | None) -> list[tuple[str, Any, str, str]]:
    running = _running_damage_year()
    items = []
    for row in by_year:
        year = row["damage_year"]
        notes = [gettext("lopend")] if year == running else []
        notes += [gettext("gekozen")] if year == chosen else []
        colour = charts.BROWN if year == chosen else charts.BLUE
        colour = charts.LIGHT_BLUE if year == running and year != chosen else colour
        items.append((str(year), row["paid"], colour, " · ".join(notes)))
    return items


def _figures(filters: statistics.Filters, provinces, table: tuple[str, ...]) -> dict[str, Any]:
    """Every aggregate the page shows: the species apart (a claim counts per species), the
    years and provinces apart when one is chosen (their charts compare it with the others),
    the rest at once."""
    sets = [(), ("province",), ("month",)] + ([table] if table != ("species",) else [])
    if filters.damage_year is None:
        sets.append(("damage_year",))
    found = statistics.grouped(sets, filters, provinces)
    by_year = found.get(("damage_year",)) or list(
        statistics.rows(("damage_year",), replace(filters, damage_year=None), provinces)
    )
    by_province = found[("province",)]
    if filters.province:  # the chart compares the chosen province with the others
        others = replace(filters, province=None)
        by_province = list(statistics.rows(("province",), others, provinces))
    by_species = list(statistics.rows(("species",), filters, provinces))
    return {
        "by_year": by_year,
        "by_species": by_species,
        "totals": found[()][0],
        "by_province": by_province,
        "by_month": found[("month",)],
        "table": by_species if table == ("species",) else found[table],
    }


def _charts(filters: statistics.Filters, figures: dict[str, Any]) -> dict[str, Any]:
    """The four charts, with their numbers as small tables."""
    by_year, by_province = figures["by_year"], figures["by_province"]
    by_species = sorted(figures["by_species"], key=lambda r: r["paid"], reverse=True)
    months = {row["month"]: row for row in figures["by_month"]}
    chosen = filters.province
    provinces_chart = charts.horizontal(
        "chart-provinces",
        gettext("Uitbetaald per provincie"),
        [
            (
                label("province", r["province"])
                + (" (" + gettext("gekozen") + ")" if r["province"] == chosen else ""),
                r["paid"],
                charts.BROWN if r["province"] == chosen else charts.BLUE,
            )
            for r in by_province
        ],
        label_width=185,
    )
    species_chart = charts.horizontal(
        "chart-species",
        gettext("Uitbetaald per diersoort (top 10)"),
        [
            (label("species", r["species"]), r["paid"], charts.species_colour(r["species"]))
            for r in by_species[:10]
        ],
    )
    species_chart.legend = [(gettext(name), colour) for name, colour in charts.SPECIES_GROUPS]
    month_names = [(number, gettext(name)) for number, name in charts.MONTHS]
    month_items = [
        (name, months[number]["claims"] if number in months else 0, charts.BLUE, "")
        for number, name in month_names
    ]
    month_rows = [(name, months.get(number)) for number, name in month_names]
    return {
        "years": charts.columns(
            "chart-years",
            gettext("Uitbetaald per schadejaar"),
            _year_items(by_year, filters.damage_year),
        ),
        "provinces": provinces_chart,
        "species": species_chart,
        "months": charts.columns(
            "chart-months",
            gettext("Aanvragen per maand van ontdekking"),
            month_items,
            money=False,
        ),
        "tables": {
            "years": _table(gettext("Schadejaar"), [(str(r["damage_year"]), r) for r in by_year]),
            "provinces": _table(
                gettext("Provincie"), [(label("province", r["province"]), r) for r in by_province]
            ),
            "species": _table(
                gettext("Diersoort"), [(label("species", r["species"]), r) for r in by_species]
            ),
            "months": _table(gettext("Maand"), month_rows),
        },
    }


def _table(first: str, rows: list[tuple[str, dict | None]]) -> tuple[list[str], list[list[str]]]:
    """A small table for a chart: name, claims, granted, paid."""
    headers = [first, gettext("Aanvragen"), gettext("Toegekend"), gettext("Uitbetaald")]
    body = [
        [
            name,
            charts.compact_number(row["claims"]),
            charts.compact_number(row["granted"]),
            format_eur(row["paid"]),
        ]
        if row
        else [name, "0", "0", format_eur(0)]
        for name, row in rows
    ]
    return headers, body


def _names(table) -> dict[str, str]:
    names = {code: name_of(item) for code, item in table.items()}
    return dict(sorted(names.items(), key=lambda kv: kv[1].lower()))


def _running_damage_year() -> int:
    return damage_year(today())


@bp.route("/statistieken")
@readers
def dashboard():
    """Key figures, charts and the table for the user's provinces."""
    provinces = statistics.scope_of(current_user)
    args, errors = _arguments()
    filters = statistics.filters_from(args)
    group_by = args["group_by"]
    figures = _figures(filters, provinces, tuple(group_by))
    by_year = figures["by_year"]
    context = {
        "errors": errors,
        "args": {k: v for k, v in request.args.items() if v.strip() and k not in errors},
        "filters": filters,
        "group_by": group_by,
        "group_key": ",".join(group_by),
        "groupings": translated(TABLE_GROUPINGS),
        "totals": figures["totals"],
        "rows": figures["table"],
        "reports_counted": statistics.counts_reports(group_by, filters),
        "by_year": by_year,
        "years": sorted(
            {row["damage_year"] for row in by_year} | {_running_damage_year()}, reverse=True
        ),
        "provinces": {code: PROVINCES[code] for code in provinces},
        "species_options": _names(SPECIES),
        "crop_options": _names(CROPS),
        "outcomes": translated(OUTCOME_LABELS),
        "key_labels": translated(KEY_LABELS),
        "filter_labels": translated(FILTER_LABELS),
        "label": label,
        "compact": charts.compact_eur,
        "as_of": today(),
        "charts": _charts(filters, figures),
    }
    return render_template("statistics/dashboard.html", **context), 422 if errors else 200


@bp.route("/statistieken/export.<fmt>")
@readers
def export(fmt: str):
    """The table of the dashboard as CSV (streamed; csv-nl for Dutch Excel) or XLSX, with the
    same filters."""
    if fmt not in ("csv", "csv-nl", "xlsx"):
        abort(404)
    provinces = statistics.scope_of(current_user)
    args, _ = _arguments()
    return statistics_download(fmt, args["group_by"], statistics.filters_from(args), provinces)
