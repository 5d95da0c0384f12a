"""Open data: the statistics for everyone, by damage year × province × species group × crop
group, with small figures suppressed (statistics/suppression.py), served from published
releases (statistics/releases.py) and cheap to serve.

The figures are those of the auditor's statistics (the same per-claim SQL, the same
definitions) for the whole country, with five measures: claims, meldingen, granted, paid and
assessed damage. Whatever `group_by` a caller asks for, the answer is cut from one cube — every
cell of the four keys and every total over any of them — suppressed as a whole, so that no
combination of answers (by province, by year and province, …) reveals what one of them hides.

The cube is not computed on a request: a release froze it at a moment, and until the next
release nothing changes (figures recomputed as the data change could be differenced). This
module reads releases back into a `Cube` (kept per process: a release never changes) and
serialises answers from it; the newest release's id is looked up at most once per
`OPEN_DATA_MAX_AGE_SECONDS`.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import combinations
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select

from faunaschade.extensions import db
from faunaschade.models import AuditEvent, OpenDataRelease
from faunaschade.statistics import exports
from faunaschade.statistics.suppression import TOTAL, Aggregate

#: The keys of the open data, in the cube's order.
KEYS = ("damage_year", "province", "species_group", "crop_group")
#: What is published per aggregate.
MEASURES = ("claims", "reports", "granted", "paid", "assessed_damage")
AMOUNTS = ("paid", "assessed_damage")
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
#: At most this many serialised answers are kept per cube, and this many releases per process.
_MAX_OUTPUTS = 256
_MAX_RELEASES = 8


@dataclass
class Cube:
    """One release of the open data: every aggregate, the published measures, what is
    suppressed, and which release it is."""

    release_id: int
    sha256: str
    created_at: datetime
    settings: tuple[int, int]
    bounds: tuple[date, date] | None
    #: Published measures per aggregate; a suppressed aggregate maps to {}.
    figures: dict[Aggregate, dict[str, Any]]
    hidden: frozenset[Aggregate]
    outputs: dict[tuple[Any, ...], bytes] = field(default_factory=dict)

    @property
    def min_cell(self) -> int:
        return self.settings[0]

    @property
    def min_farmers(self) -> int:
        return self.settings[1]

    @property
    def modified(self) -> datetime:
        """The moment the release was cut: its figures are the data as they stood then."""
        return self.created_at

    def years(self) -> list[int]:
        return sorted({a[0] for a in self.figures if a[0] is not TOTAL})

    def period(self) -> tuple[date, date] | None:
        """From the first day of the first damage year to the last day of the last."""
        return self.bounds

    def etag(self, *what: Any) -> str:
        """Changes with the release (its figures, settings included) and what is asked."""
        text = json.dumps([self.release_id, self.sha256, *map(str, what)], default=str)
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

    def about(self) -> dict[str, Any]:
        """The release as the JSON answer names it."""
        return {
            "id": self.release_id,
            "created_at": self.created_at,
            "sha256": self.sha256,
            "period": None
            if self.bounds is None
            else {"start": self.bounds[0], "end": self.bounds[1]},
        }


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


# --- the stored form of a release's cube ---


def _money(value: Any) -> str:
    return f"{Decimal(value):.2f}"


def _order(aggregate: Aggregate) -> list[tuple[bool, str]]:
    return [(value is TOTAL, str(value)) for value in aggregate]


def serialise(
    figures: Mapping[Aggregate, Mapping[str, Any]],
    hidden: set[Aggregate],
    settings: tuple[int, int],
) -> str:
    """The published cube as one canonical text (what a release stores and hashes): per
    aggregate the keys it names (a key summed over is left out), the measures only when
    published, and `suppressed`. Nothing suppressed is written."""
    rows = []
    for aggregate in sorted(figures, key=_order):
        row: dict[str, Any] = {k: v for k, v in zip(KEYS, aggregate, strict=True) if v is not TOTAL}
        if aggregate in hidden:
            row["suppressed"] = True
        else:
            measures = figures[aggregate]
            row.update({m: _money(measures[m]) if m in AMOUNTS else measures[m] for m in MEASURES})
            row["suppressed"] = False
        rows.append(row)
    cube = {"keys": list(KEYS), "min_cell": settings[0], "min_farmers": settings[1], "rows": rows}
    return json.dumps(cube, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def published_aggregates(text: str) -> tuple[set[Aggregate], set[Aggregate]]:
    """The aggregates of a stored cube: (published, suppressed)."""
    shown: set[Aggregate] = set()
    hidden: set[Aggregate] = set()
    for row in json.loads(text)["rows"]:
        (hidden if row["suppressed"] else shown).add(_aggregate(row))
    return shown, hidden


def _aggregate(row: Mapping[str, Any]) -> Aggregate:
    return tuple(row.get(key, TOTAL) for key in KEYS)


def cube_of(release: OpenDataRelease) -> Cube:
    """A stored release read back."""
    data = json.loads(release.cube)
    figures: dict[Aggregate, dict[str, Any]] = {}
    hidden = set()
    for row in data["rows"]:
        aggregate = _aggregate(row)
        if row["suppressed"]:
            hidden.add(aggregate)
            figures[aggregate] = {}
        else:
            figures[aggregate] = {m: Decimal(row[m]) if m in AMOUNTS else row[m] for m in MEASURES}
    bounds = None
    if release.period_start is not None and release.period_end is not None:
        bounds = (release.period_start, release.period_end)
    return Cube(
        release_id=release.id,
        sha256=release.sha256,
        created_at=release.created_at,
        settings=(data["min_cell"], data["min_farmers"]),
        bounds=bounds,
        figures=figures,
        hidden=frozenset(hidden),
    )


# --- serving ---


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latest: int | None = None
        self.checked_at = float("-inf")
        self.cubes: dict[int, Cube] = {}


def _cache(app: Flask) -> _Cache:
    return app.extensions.setdefault("open_data", _Cache())


def latest_id() -> int | None:
    """The newest release's id, looked up at most once per OPEN_DATA_MAX_AGE_SECONDS."""
    cache = _cache(current_app)
    with cache.lock:
        now = time.monotonic()
        if now - cache.checked_at >= current_app.config["OPEN_DATA_MAX_AGE_SECONDS"]:
            cache.latest = db.session.scalar(select(func.max(OpenDataRelease.id)))
            cache.checked_at = now
        return cache.latest


def served(release_id: int | None = None) -> Cube | None:
    """The release asked for, or the newest; None when there is none (yet). A release never
    changes, so each is read once per process."""
    wanted = latest_id() if release_id is None else release_id
    if wanted is None:
        return None
    cache = _cache(current_app)
    with cache.lock:
        cube = cache.cubes.get(wanted)
        if cube is not None:
            return cube
        release = db.session.get(OpenDataRelease, wanted)
        if release is None:
            return None
        cube = cube_of(release)
        if len(cache.cubes) >= _MAX_RELEASES:
            cache.cubes.clear()
        cache.cubes[wanted] = cube
        return cube


def listing() -> list[dict[str, Any]]:
    """Every release, newest first: id, when, period and hash (never the figures)."""
    rows = db.session.execute(
        select(
            OpenDataRelease.id,
            OpenDataRelease.created_at,
            OpenDataRelease.period_start,
            OpenDataRelease.period_end,
            OpenDataRelease.sha256,
        ).order_by(OpenDataRelease.id.desc())
    )
    return [dict(row._mapping) for row in rows]


def cached(cube: Cube, key: tuple[Any, ...], make) -> bytes:
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
            "release": cube.about(),
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

    return cached(cube, ("json", tuple(group_by)), make)


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

    return cached(cube, ("csv", tuple(group_by)), make)


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


#: OPEN_DATA_RELEASE_INTERVAL's values and the EU frequency each one publishes at ("off":
#: releases only by `flask open-data release`, irregularly).
FREQUENCIES = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "off": "IRREG",
}


def catalog(
    cube: Cube, releases: Sequence[Mapping[str, Any]], base_url: str, config: Any
) -> dict[str, Any]:
    """The dataset described in DCAT-AP-NL 3.0 (JSON-LD, DCAT-AP 3.0 underneath): title and
    description in Dutch and English, licence, period, update date, contact, publisher, a
    distribution per format of the newest release, and every release as a version
    (`dcat:hasVersion`) with its own distributions."""
    base = base_url.rstrip("/")
    landing = base + "/open-data"
    statistics = base + "/api/v1/open-data/statistics"
    here = base + "/api/v1/open-data/catalog"

    def distribution(fmt: str, media: str, file_type: str, release: Any, moment) -> dict:
        query = f"format={fmt}" if release is None else f"release={release}&format={fmt}"
        url = f"{statistics}?{query}"
        return {
            "@id": f"{here}#{fmt}" if release is None else f"{here}#release-{release}-{fmt}",
            "@type": "dcat:Distribution",
            "dct:title": _texts({"nl": fmt.upper(), "en": fmt.upper()}),
            "dcat:accessURL": {"@id": url},
            "dcat:downloadURL": {"@id": url},
            "dcat:mediaType": {"@id": _IANA + media},
            "dct:format": {"@id": _EU + "file-type/" + file_type},
            "dct:license": {"@id": CC0},
            "dct:modified": _moment(moment),
        }

    def both(release: Any, moment) -> list[dict[str, Any]]:
        return [
            distribution("json", "application/json", "JSON", release, moment),
            distribution("csv", "text/csv", "CSV", release, moment),
        ]

    versions = []
    ordered = sorted(releases, key=lambda r: r["id"])
    for previous, release in zip([None, *ordered], ordered, strict=False):
        number = release["id"]
        version: dict[str, Any] = {
            "@id": f"{here}#release-{number}",
            "@type": "dcat:Dataset",
            "dct:title": _texts(
                {
                    "nl": f"{TITLE['nl']} (release {number})",
                    "en": f"{TITLE['en']} (release {number})",
                }
            ),
            "dcat:version": str(number),
            "dct:issued": _moment(release["created_at"]),
            "dct:license": {"@id": CC0},
            "dcat:distribution": both(number, release["created_at"]),
        }
        if release["period_start"] is not None:
            version["dct:temporal"] = _period(release["period_start"], release["period_end"])
        if previous is not None:
            version["dcat:previousVersion"] = {"@id": f"{here}#release-{previous['id']}"}
        versions.append(version)
    frequency = FREQUENCIES.get(config["OPEN_DATA_RELEASE_INTERVAL"], "IRREG")
    dataset: dict[str, Any] = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": here + "#dataset",
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
        "dct:accrualPeriodicity": {"@id": _EU + "frequency/" + frequency},
        "dct:issued": _moment(ordered[0]["created_at"]) if ordered else None,
        "dct:modified": _moment(cube.modified),
        "dcat:version": str(cube.release_id),
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
        "dcat:distribution": both(None, cube.modified),
        "dcat:hasCurrentVersion": {"@id": f"{here}#release-{cube.release_id}"},
        "dcat:hasVersion": versions,
    }
    if period := cube.period():
        dataset["dct:temporal"] = _period(*period)
    return dataset


def _period(start: date, end: date) -> dict[str, Any]:
    return {
        "@type": "dct:PeriodOfTime",
        "dcat:startDate": {"@value": start.isoformat(), "@type": "xsd:date"},
        "dcat:endDate": {"@value": end.isoformat(), "@type": "xsd:date"},
    }


def _moment(moment: datetime | None) -> dict[str, str] | None:
    if moment is None:
        return None
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}
