"""Open data: the statistics for everyone, by damage year × province × species group × crop
group, with small figures suppressed (statistics/suppression.py), cached and cheap to serve.

The figures are those of the auditor's statistics (figures.grouped: the same SQL, the same
definitions) for the whole country, with five measures: claims, meldingen, granted, paid and
assessed damage. Whatever `group_by` a caller asks for, the answer is cut from one cube — every
cell of the four keys and every total over any of them — suppressed as a whole, so that no
combination of answers (by province, by year and province, …) reveals what one of them hides.

The cube is computed once per data version (the audit log's newest event and its number of
events: every change of a claim, decision, payment or melding writes one) and kept in the
process for `OPEN_DATA_MAX_AGE_SECONDS`; within that time not even the version is looked up.
Answers are serialised once per cube and kept beside it.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import combinations
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select

from faunaschade.clock import damage_year_bounds
from faunaschade.extensions import db
from faunaschade.models import AuditEvent
from faunaschade.statistics import exports, figures
from faunaschade.statistics.suppression import TOTAL, Aggregate, Size, suppress

#: The keys of the open data, in the cube's order.
KEYS = ("damage_year", "province", "species_group", "crop_group")
#: What is published per aggregate.
MEASURES = ("claims", "reports", "granted", "paid", "assessed_damage")
AMOUNTS = ("paid", "assessed_damage")
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
#: At most this many serialised answers are kept per cube.
_MAX_OUTPUTS = 256


@dataclass
class Cube:
    """Every aggregate of the open data, what is suppressed, and where it came from."""

    version: tuple[Any, ...]
    settings: tuple[int, int]
    modified: datetime | None
    figures: dict[Aggregate, dict[str, Any]]
    hidden: frozenset[Aggregate]
    checked_at: float
    outputs: dict[tuple[Any, ...], bytes] = field(default_factory=dict)

    @property
    def min_cell(self) -> int:
        return self.settings[0]

    @property
    def min_farmers(self) -> int:
        return self.settings[1]

    def years(self) -> list[int]:
        return sorted({a[0] for a in self.figures if a[0] is not TOTAL})

    def period(self) -> tuple[date, date] | None:
        """From the first day of the first damage year to the last day of the last."""
        years = self.years()
        if not years:
            return None
        return damage_year_bounds(years[0])[0], damage_year_bounds(years[-1])[1]

    def etag(self, *what: Any) -> str:
        """Changes with the data, the rules of suppression and what is asked."""
        text = json.dumps([list(self.version), list(self.settings), *map(str, what)], default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def level(self, group_by: Sequence[str]) -> list[dict[str, Any]]:
        """The aggregates grouped by exactly these keys, as rows in the caller's key order:
        keys, the measures (None when suppressed) and `suppressed`."""
        wanted = set(group_by)
        positions = [KEYS.index(key) for key in group_by]
        found = [
            aggregate
            for aggregate in self.figures
            if {k for k, v in zip(KEYS, aggregate, strict=True) if v is not TOTAL} == wanted
        ]
        found.sort(key=lambda a: [a[i] for i in positions])
        return [self.row(aggregate, group_by) for aggregate in found]

    def row(self, aggregate: Aggregate, group_by: Sequence[str]) -> dict[str, Any]:
        row = {key: aggregate[KEYS.index(key)] for key in group_by}
        hidden = aggregate in self.hidden
        measures = self.figures[aggregate]
        row.update({name: None if hidden else measures[name] for name in MEASURES})
        row["suppressed"] = hidden
        return row

    def totals(self) -> dict[str, Any]:
        grand = (TOTAL,) * len(KEYS)
        if grand not in self.figures:
            return {**{name: 0 for name in MEASURES}, "suppressed": False}
        return self.row(grand, ())


def subsets(group_by: Sequence[str]) -> list[tuple[str, ...]]:
    """Every proper, non-empty subset of the keys (the subtotals), larger ones first, each in
    the caller's order."""
    return [
        keys for size in range(len(group_by) - 1, 0, -1) for keys in combinations(group_by, size)
    ]


def data_version() -> tuple[tuple[Any, ...], datetime | None]:
    """What the figures depend on: the newest audit event and the number of events (a
    transaction committing an older id late still changes the count), and when the newest
    happened."""
    newest, count, modified = db.session.execute(
        select(func.max(AuditEvent.id), func.count(AuditEvent.id), func.max(AuditEvent.occurred_at))
    ).one()
    return (newest, count), modified


def build(min_cell: int, min_farmers: int, version: tuple[Any, ...], modified) -> Cube:
    """The cube from the auditor's statistics (every subset of the keys at once) and the
    farmers behind each aggregate; then suppressed."""
    sets = [keys for size in range(len(KEYS) + 1) for keys in combinations(KEYS, size)]
    found = figures.grouped(sets)
    cube: dict[Aggregate, dict[str, Any]] = {}
    for keys, rows in found.items():
        for row in rows:
            aggregate = tuple(row[key] if key in keys else TOTAL for key in KEYS)
            cube[aggregate] = {name: row.get(name, 0) for name in MEASURES}
    cube = {a: m for a, m in cube.items() if m["claims"] or m["reports"]}
    claim_farmers, report_farmers = figures.contributors(KEYS)
    farmers: dict[Aggregate, tuple[set[int], set[int]]] = {}
    for cells, index in ((claim_farmers, 0), (report_farmers, 1)):
        for cell, ids in cells.items():
            for size in range(len(KEYS) + 1):
                for kept in combinations(range(len(KEYS)), size):
                    aggregate = tuple(v if i in kept else TOTAL for i, v in enumerate(cell))
                    farmers.setdefault(aggregate, (set(), set()))[index].update(ids)
    sizes = {
        aggregate: Size(
            claims=measures["claims"],
            reports=measures["reports"],
            claim_farmers=len(farmers.get(aggregate, (set(), set()))[0]),
            report_farmers=len(farmers.get(aggregate, (set(), set()))[1]),
        )
        for aggregate, measures in cube.items()
    }
    hidden = suppress(sizes, min_cell, min_farmers)
    return Cube(
        version=version,
        settings=(min_cell, min_farmers),
        modified=modified,
        figures=cube,
        hidden=frozenset(hidden),
        checked_at=time.monotonic(),
    )


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cube: Cube | None = None


def _cache(app: Flask) -> _Cache:
    return app.extensions.setdefault("open_data", _Cache())


def current() -> Cube:
    """The cube of the data as it is (at most OPEN_DATA_MAX_AGE_SECONDS old); computed by one
    request at a time, the others wait for it."""
    config = current_app.config
    settings = (int(config["OPEN_DATA_MIN_CELL"]), int(config["OPEN_DATA_MIN_FARMERS"]))
    cache = _cache(current_app)
    with cache.lock:
        cube = cache.cube
        now = time.monotonic()
        fresh = cube is not None and cube.settings == settings
        if fresh and now - cube.checked_at < config["OPEN_DATA_MAX_AGE_SECONDS"]:
            return cube
        version, modified = data_version()
        if fresh and cube.version == version:
            cube.checked_at = now
            return cube
        cache.cube = build(*settings, version, modified)
        return cache.cube


def _cached(cube: Cube, key: tuple[Any, ...], make) -> bytes:
    body = cube.outputs.get(key)
    if body is None:
        body = make()
        if len(cube.outputs) >= _MAX_OUTPUTS:
            cube.outputs.clear()
        cube.outputs[key] = body
    return body


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(type(value))


def as_json(cube: Cube, group_by: Sequence[str]) -> bytes:
    """The answer of GET /api/v1/open-data/statistics?format=json."""

    def make() -> bytes:
        answer = {
            "modified": cube.modified,
            "license": CC0,
            "group_by": list(group_by),
            "min_cell": cube.min_cell,
            "min_farmers": cube.min_farmers,
            "rows": cube.level(group_by),
            "subtotals": [
                {"group_by": list(keys), "rows": cube.level(keys)} for keys in subsets(group_by)
            ],
            "totals": cube.totals(),
        }
        return json.dumps(answer, default=_plain, ensure_ascii=False).encode()

    return _cached(cube, ("json", tuple(group_by)), make)


def as_csv(cube: Cube, group_by: Sequence[str]) -> bytes:
    """The same as CSV: one line per aggregate — `aggregate` says cell, subtotal or total, a
    key summed over is empty — suppressed measures empty and `suppressed` true."""

    def make() -> bytes:
        header = ["aggregate", *group_by, *MEASURES, "suppressed"]
        lines = [("cell", row) for row in cube.level(group_by)]
        lines += [("subtotal", row) for keys in subsets(group_by) for row in cube.level(keys)]
        if group_by:
            lines.append(("total", cube.totals()))
        body = (
            [kind, *(row.get(key) for key in group_by), *(row[m] for m in MEASURES),
             row["suppressed"]]
            for kind, row in lines
        )  # fmt: skip
        return "".join(exports.csv_chunks(header, body)).encode()

    return _cached(cube, ("csv", tuple(group_by)), make)


#: The dataset's title and description, in Dutch and English (the catalogue carries both).
TITLE = {
    "nl": "Tegemoetkoming faunaschade: aanvragen, meldingen en bedragen",
    "en": "Wildlife damage compensation: claims, reports and amounts",
}
DESCRIPTION = {
    "nl": "Aanvragen om tegemoetkoming in faunaschade, meldingen van schade, toekenningen, "
    "uitbetaalde bedragen en getaxeerde schade, per schadejaar (1 november - 31 oktober), "
    "provincie, soortgroep en gewasgroep, met subtotalen en totaal. Aantallen onder de "
    "drempel en de cijfers die nodig zijn om ze niet terug te kunnen rekenen zijn "
    "onderdrukt, zodat geen aanvrager herkenbaar is.",
    "en": "Claims for wildlife damage compensation, damage reports, grants, amounts paid and "
    "assessed damage, by damage year (1 November - 31 October), province, species group and "
    "crop group, with subtotals and the total. Figures below the threshold, and those needed "
    "to keep them from being worked out, are suppressed so that no applicant can be singled "
    "out.",
}
_EU = "http://publications.europa.eu/resource/authority/"
_IANA = "http://www.iana.org/assignments/media-types/"


def _texts(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"@value": text, "@language": lang} for lang, text in values.items()]


def catalog(cube: Cube, base_url: str, config: Any) -> dict[str, Any]:
    """The dataset described in DCAT-AP-NL 3.0 (JSON-LD, DCAT-AP 3.0 underneath): title and
    description in Dutch and English, licence, period, update date, contact, publisher and a
    distribution per format."""
    base = base_url.rstrip("/")
    landing = base + "/open-data"
    statistics = base + "/api/v1/open-data/statistics"

    def distribution(fmt: str, media: str, file_type: str, title: str) -> dict[str, Any]:
        url = f"{statistics}?format={fmt}"
        return {
            "@id": f"{base}/api/v1/open-data/catalog#{fmt}",
            "@type": "dcat:Distribution",
            "dct:title": _texts({"nl": title, "en": title}),
            "dcat:accessURL": {"@id": url},
            "dcat:downloadURL": {"@id": url},
            "dcat:mediaType": {"@id": _IANA + media},
            "dct:format": {"@id": _EU + "file-type/" + file_type},
            "dct:license": {"@id": CC0},
            "dct:modified": _moment(cube.modified),
        }

    dataset: dict[str, Any] = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": base + "/api/v1/open-data/catalog#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": landing,
        "dct:title": _texts(TITLE),
        "dct:description": _texts(DESCRIPTION),
        "dcat:keyword": _texts({"nl": "faunaschade", "en": "wildlife damage"})
        + _texts({"nl": "tegemoetkoming", "en": "compensation"}),
        "dcat:theme": {"@id": _EU + "data-theme/AGRI"},
        "dct:language": {"@id": _EU + "language/NLD"},
        "dct:spatial": {"@id": _EU + "country/NLD"},
        "dct:license": {"@id": CC0},
        "dct:accessRights": {"@id": _EU + "access-right/PUBLIC"},
        "dct:accrualPeriodicity": {"@id": _EU + "frequency/UPDATE_CONT"},
        "dct:modified": _moment(cube.modified),
        "dcat:landingPage": {"@id": landing},
        "dct:publisher": {
            "@id": config["OPEN_DATA_PUBLISHER_URI"],
            "@type": "foaf:Agent",
            "foaf:name": config["OPEN_DATA_PUBLISHER"],
        },
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": config["OPEN_DATA_PUBLISHER"],
            "vcard:hasEmail": {"@id": "mailto:" + config["OPEN_DATA_CONTACT_EMAIL"]},
            "vcard:hasURL": {"@id": landing},
        },
        "dcat:distribution": [
            distribution("json", "application/json", "JSON", "JSON"),
            distribution("csv", "text/csv", "CSV", "CSV"),
        ],
    }
    if period := cube.period():
        dataset["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": period[0].isoformat(), "@type": "xsd:date"},
            "dcat:endDate": {"@value": period[1].isoformat(), "@type": "xsd:date"},
        }
    return dataset


def _moment(moment: datetime | None) -> dict[str, str] | None:
    if moment is None:
        return None
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}
