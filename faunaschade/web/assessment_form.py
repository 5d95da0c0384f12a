"""The report form without JavaScript: numbered rows ↔ the report schema's lists."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from faunaschade.models import Assessment, Claim
from faunaschade.web.formdata import whole_number

#: Fields of a line row, in form order.
LINE_FIELDS = (
    "parcel_id",
    "species",
    "area_type",
    "damaged_area_ha",
    "lost_quantity",
    "unit",
    "unit_price",
    "price_source",
)
#: A row counts as filled in when one of these has a value (the selects always have one).
LINE_TYPED = ("damaged_area_ha", "lost_quantity", "unit_price")
#: Empty rows offered below the filled-in ones.
SPARE_LINES, SPARE_VISITS = 2, 1
#: Rows the "add rows" buttons add.
MORE_LINES, MORE_VISITS = 3, 1
MAX_ROWS = 200


def dutch_number(raw: str) -> str:
    """'1.234,5' or '1234,5' → '1234.5' (a decimal point alone is kept)."""
    text = raw.strip().replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return text


def _count(form: MultiDict, name: str, default: int) -> int:
    number = whole_number(form.get(name))
    return default if number is None else min(number, MAX_ROWS)


def row_count(form: MultiDict, name: str, maximum: int) -> int:
    """The number of rows a form says it has (a hidden field), 0 to `maximum`."""
    number = whole_number(form.get(name))
    return 0 if number is None else min(number, maximum)


def parse(form: MultiDict) -> tuple[dict[str, Any], list[int], list[int], dict[str, Any]]:
    """(report data, form row of each line, form row of each visit, values to show again)."""
    line_count = _count(form, "line_rows", 0)
    visit_count = _count(form, "visit_rows", 0)
    lines, line_rows, shown_lines = [], [], []
    for i in range(line_count):
        row = {f: form.get(f"line-{i}-{f}", "").strip() for f in LINE_FIELDS}
        row["harvested_before_assessment"] = bool(form.get(f"line-{i}-harvested"))
        shown_lines.append(row)
        if not any(row[f] for f in LINE_TYPED):
            continue
        item: dict[str, Any] = {k: v for k, v in row.items() if v != ""}
        for f in LINE_TYPED:
            if f in item:
                item[f] = dutch_number(item[f])
        if (parcel_id := whole_number(item.get("parcel_id"))) is not None:
            item["parcel_id"] = parcel_id
        lines.append(item)
        line_rows.append(i)
    visits, visit_rows, shown_visits = [], [], []
    for i in range(visit_count):
        row = {
            "date": form.get(f"visit-{i}-date", "").strip(),
            "remarks": form.get(f"visit-{i}-remarks", "").strip(),
        }
        shown_visits.append(row)
        if row["date"] or row["remarks"]:
            visits.append({k: v for k, v in row.items() if v != "" or k == "date"})
            visit_rows.append(i)
    data = {
        "visits": visits,
        "lines": lines,
        "preventive_measures_observed": form.getlist("preventive_measures_observed"),
        "remarks": form.get("remarks", "").strip(),
    }
    shown = {
        "lines": shown_lines,
        "visits": shown_visits,
        "preventive_measures_observed": data["preventive_measures_observed"],
        "remarks": data["remarks"],
    }
    return data, line_rows, visit_rows, shown


_ROW_PATH = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


def move_row_errors(
    errors: dict[str, list[str]], rows: dict[str, tuple[str, list[int]]]
) -> dict[str, list[str]]:
    """Schema/service paths (``lines[k].x``) → the form's field names (``line-i-x``) of the
    rows shown. `rows` maps each list's name to its field prefix and the form's row numbers in
    the order the list was read; other paths stay as they are."""
    moved: dict[str, list[str]] = {}
    for path, messages in errors.items():
        match = _ROW_PATH.match(path)
        if match and match.group(1) in rows:
            prefix, shown = rows[match.group(1)]
            index = int(match.group(2))
            if index < len(shown):
                path = f"{prefix}-{shown[index]}-{match.group(3)}"
        moved.setdefault(path, []).extend(messages)
    return moved


def field_errors(
    errors: dict[str, list[str]], line_rows: list[int], visit_rows: list[int]
) -> dict[str, list[str]]:
    """Schema/service paths (lines[k].x) → form field names (line-i-x) of the rows shown."""
    return move_row_errors(errors, {"lines": ("line", line_rows), "visits": ("visit", visit_rows)})


def _blank_line(claim: Claim) -> dict[str, Any]:
    first = claim.parcels[0] if claim.parcels else None
    return {
        "parcel_id": str(first.parcel_id) if first else "",
        "species": sorted(s.species for s in claim.species)[0] if claim.species else "",
        "area_type": first.area_type.value if first else "regular",
        "unit": "kg",
        "price_source": "kwin",
        "harvested_before_assessment": False,
    }


def initial(claim: Claim, assessment: Assessment) -> dict[str, Any]:
    """The form's values from what was saved; a first report suggests parcel × species rows."""
    if assessment.lines:
        lines = [
            {
                "parcel_id": str(line.parcel_id),
                "species": line.species,
                "area_type": line.area_type.value,
                "damaged_area_ha": plain(line.damaged_area_ha),
                "lost_quantity": plain(line.lost_quantity),
                "unit": line.unit.value,
                "unit_price": plain(line.unit_price),
                "price_source": line.price_source.value,
                "harvested_before_assessment": line.harvested_before_assessment,
            }
            for line in assessment.lines
        ]
    else:
        lines = [
            {**_blank_line(claim), "parcel_id": str(row.parcel_id), "species": species.species}
            | {"area_type": row.area_type.value}
            for row in claim.parcels
            for species in sorted(claim.species, key=lambda s: s.species)
        ]
    return {
        "lines": lines,
        "visits": [
            {"date": v.visited_on.isoformat(), "remarks": v.remarks} for v in assessment.visits
        ],
        "preventive_measures_observed": list(assessment.preventive_measures_observed or []),
        "remarks": assessment.remarks,
    }


def with_spare_rows(
    claim: Claim, values: dict[str, Any], lines: int = SPARE_LINES, visits: int = SPARE_VISITS
) -> dict[str, Any]:
    """The rows as they are, with `lines` and `visits` empty rows added below."""
    return {
        **values,
        "lines": (values["lines"] + [_blank_line(claim) for _ in range(lines)])[:MAX_ROWS],
        "visits": (values["visits"] + [{"date": "", "remarks": ""}] * visits)[:MAX_ROWS],
    }


def plain(value: Any) -> str:
    """A Decimal as the assessor typed it: no trailing zeros, decimal comma."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


#: Names of the report fields, for labels and the error summary (in the page's language).
FIELD_LABELS = {
    "parcel_id": _l("Perceel"),
    "species": _l("Diersoort"),
    "area_type": _l("Gebiedstype"),
    "damaged_area_ha": _l("Beschadigde oppervlakte (ha)"),
    "lost_quantity": _l("Verloren hoeveelheid"),
    "unit": _l("Eenheid"),
    "unit_price": _l("Prijs per eenheid (€)"),
    "price_source": _l("Prijsbron"),
    "harvested": _l("Geoogst vóór taxatie"),
    "date": _l("Datum"),
    "remarks": _l("Opmerkingen"),
}
_ROW_FIELD = re.compile(r"^([a-z]+)-(\d+)-(\w+)$")


def row_error_labels(
    errors: dict[str, list[str]],
    labels: dict[str, str],
    field_labels: Mapping[str, Any],
    rows: Mapping[str, Callable[[int, str], str]],
) -> dict[str, str]:
    """`labels` plus a label for every row field in `errors` ('line-1-unit_price' → 'Regel 2:
    Prijs per eenheid (€)'); `rows` words a row's number and field label per row prefix."""
    for key in errors:
        match = _ROW_FIELD.match(key)
        if match and match.group(1) in rows:
            kind, index, field = match.groups()
            labels[key] = rows[kind](int(index) + 1, str(field_labels.get(field, field)))
    return labels


def visit_label(n: int, field: str) -> str:
    """'Bezoek 2: Datum'."""
    return gettext("Bezoek %(n)s: %(field)s", n=n, field=field)


def error_labels(errors: dict[str, list[str]]) -> dict[str, str]:
    """'line-1-unit_price' → 'Regel 2: Prijs per eenheid (€)' for the error summary."""
    labels = {
        "visits": gettext("Bezoeken"),
        "lines": gettext("Taxatieregels"),
        "preventive_measures_observed": gettext("Preventieve middelen"),
        "remarks": gettext("Opmerkingen"),
        "_schema": gettext("Rapport"),
    }

    def line(n: int, field: str) -> str:
        return gettext("Regel %(n)s: %(field)s", n=n, field=field)

    return row_error_labels(errors, labels, FIELD_LABELS, {"line": line, "visit": visit_label})
