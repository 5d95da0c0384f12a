"""Open data releases: the suppressed figures frozen at one moment, published until the next.

Figures recomputed as the data change can be differenced: whoever saves two versions and
subtracts learns what changed in between, and an aggregate that goes from 7 to 8 claims gives
the new claim's amounts. So the open data are published as releases: cut at a moment (one
consistent read of every claim and melding), suppressed, stored with their SHA-256 and never
changed. The endpoints and the page serve the newest (or an older one by id); between releases
nothing moves. `flask open-data release` cuts one now; every `flask worker` cuts one each
OPEN_DATA_RELEASE_INTERVAL (daily, weekly, monthly, quarterly; off), never a request.

**The rule against differencing releases.** An attacker holding two releases knows, for every
aggregate published in both, the difference new − old of every measure. So, before a release
is published, it is compared with every earlier release: for each aggregate published there,
and for each measure, the claims (or meldingen) whose contribution to that aggregate's measure
changed in between — added, removed, moved to another cell, or with another outcome or amount —
are counted, with their farmers. When some were changed but fewer than OPEN_DATA_MIN_CELL, or
from fewer than OPEN_DATA_MIN_FARMERS farmers, the difference would single them out, and the
aggregate is suppressed in the new release as if it were too small (`forced`); complementary
suppression then runs as usual. The difference of an aggregate suppressed in either release is
unknown, and — the releases' equations sharing no unknown — no combination of the two releases'
additions fixes the difference of an aggregate that either release keeps suppressed
(tests/statistics/test_open_data_releases.py attacks this). A zero change is no disclosure.

To count changed contributions a release keeps, unpublished, each claim's and melding's farmer,
cell and contribution at the cut (`OpenDataRelease.contributions`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from itertools import combinations
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from faunaschade.audit import chain as audit
from faunaschade.clock import AMSTERDAM, damage_year_bounds
from faunaschade.extensions import db
from faunaschade.models import OpenDataRelease
from faunaschade.models.base import utcnow
from faunaschade.statistics import figures
from faunaschade.statistics.open_data import (
    FREQUENCIES,
    KEYS,
    MEASURES,
    data_version,
    published_aggregates,
    serialise,
)
from faunaschade.statistics.suppression import TOTAL, Aggregate, Size, suppress

log = logging.getLogger(__name__)
# Any fixed number: one release writer at a time (PostgreSQL).
RELEASE_LOCK = 815_318
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: A contributor: ("c", claim id) or ("r", melding id).
Key = tuple[str, int]
#: What a contributor adds: its farmer, its cell, and its value per measure (MEASURES order).
Entry = tuple[int, tuple[Any, ...], tuple[Any, ...]]
Snapshot = dict[Key, Entry]
NOTHING = (0, 0, 0, ZERO, ZERO)
MELDING = (0, 1, 0, ZERO, ZERO)
_MASKS = [
    set(kept) for size in range(len(KEYS) + 1) for kept in combinations(range(len(KEYS)), size)
]


def aggregates_of(cell: tuple[Any, ...]) -> list[Aggregate]:
    """The cell and every total it counts in, down to the grand total."""
    return [tuple(v if i in kept else TOTAL for i, v in enumerate(cell)) for kept in _MASKS]


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def cut() -> Snapshot:
    """Every submitted claim and every melding as it counts now (statistics/figures.py's
    per-claim definitions)."""
    claims, reports = figures.contributions(KEYS)
    found: Snapshot = {}
    for row in claims:
        values = (1, 0, int(row["granted"]), _money(row["paid"]), _money(row["assessed_damage"]))
        found[("c", row["id"])] = (row["farmer_id"], tuple(row[k] for k in KEYS), values)
    for row in reports:
        found[("r", row["id"])] = (row["farmer_id"], tuple(row[k] for k in KEYS), MELDING)
    return found


def dump_snapshot(snapshot: Snapshot) -> str:
    """The snapshot as stored beside a release (never published)."""
    rows = [
        [kind, ident, farmer, *cell, *(str(v) if isinstance(v, Decimal) else v for v in values)]
        for (kind, ident), (farmer, cell, values) in sorted(snapshot.items())
    ]
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False)


def load_snapshot(text: str) -> Snapshot:
    width = len(KEYS)
    found: Snapshot = {}
    for kind, ident, farmer, *rest in json.loads(text):
        cell, values = tuple(rest[:width]), rest[width:]
        found[(kind, ident)] = (
            farmer,
            cell,
            (values[0], values[1], values[2], Decimal(values[3]), Decimal(values[4])),
        )
    return found


def tabulate(
    snapshot: Snapshot,
) -> tuple[dict[Aggregate, dict[str, Any]], dict[Aggregate, Size]]:
    """The figures of every aggregate, and what the suppression looks at (claims, meldingen
    and their farmers)."""
    cells: dict[tuple[Any, ...], list[Any]] = {}
    people: dict[tuple[Any, ...], tuple[set[int], set[int]]] = {}
    for farmer, cell, values in snapshot.values():
        sums = cells.setdefault(cell, [0, 0, 0, ZERO, ZERO])
        for i, value in enumerate(values):
            sums[i] += value
        people.setdefault(cell, (set(), set()))[0 if values[0] else 1].add(farmer)
    totals: dict[Aggregate, list[Any]] = {}
    farmers: dict[Aggregate, tuple[set[int], set[int]]] = {}
    for cell, sums in cells.items():
        claim_farmers, report_farmers = people[cell]
        for aggregate in aggregates_of(cell):
            into = totals.setdefault(aggregate, [0, 0, 0, ZERO, ZERO])
            for i, value in enumerate(sums):
                into[i] += value
            who = farmers.setdefault(aggregate, (set(), set()))
            who[0].update(claim_farmers)
            who[1].update(report_farmers)
    found = {a: dict(zip(MEASURES, sums, strict=True)) for a, sums in totals.items()}
    sizes = {
        a: Size(sums[0], sums[1], len(farmers[a][0]), len(farmers[a][1]))
        for a, sums in totals.items()
    }
    return found, sizes


def changes(before: Snapshot, after: Snapshot) -> dict[tuple[Aggregate, str], tuple[int, int]]:
    """Per aggregate and measure whose value moved between two snapshots: how many claims (or
    meldingen) changed their contribution to it, and from how many farmers."""
    counted: dict[tuple[Aggregate, str], tuple[set[Key], set[int]]] = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        farmer = (new or old)[0]  # type: ignore[index]
        old_part = {a: old[2] for a in aggregates_of(old[1])} if old else {}
        new_part = {a: new[2] for a in aggregates_of(new[1])} if new else {}
        for aggregate in old_part.keys() | new_part.keys():
            was, now = old_part.get(aggregate, NOTHING), new_part.get(aggregate, NOTHING)
            for name, a, b in zip(MEASURES, was, now, strict=True):
                if a != b:
                    who, whose = counted.setdefault((aggregate, name), (set(), set()))
                    who.add(key)
                    whose.add(farmer)
    return {place: (len(who), len(whose)) for place, (who, whose) in counted.items()}


def differenced(
    before: Snapshot,
    published_before: set[Aggregate],
    after: Snapshot,
    min_cell: int,
    min_farmers: int,
) -> set[Aggregate]:
    """The aggregates published before whose difference to now would single someone out:
    changed by fewer than `min_cell` claims (or meldingen), or by fewer than `min_farmers`
    farmers, in some measure."""
    return {
        aggregate
        for (aggregate, _), (count, farmers) in changes(before, after).items()
        if aggregate in published_before and (count < min_cell or farmers < min_farmers)
    }


def compose(
    snapshot: Snapshot,
    history: Iterable[tuple[Snapshot, set[Aggregate]]],
    min_cell: int,
    min_farmers: int,
) -> tuple[dict[Aggregate, dict[str, Any]], set[Aggregate], set[Aggregate]]:
    """The new release's figures, what it suppresses, and which of those only because an
    earlier release (`history`: its snapshot and its published aggregates) would otherwise
    give a small difference away."""
    found, sizes = tabulate(snapshot)
    forced: set[Aggregate] = set()
    for before, published_before in history:
        forced |= differenced(before, published_before, snapshot, min_cell, min_farmers)
    for aggregate in forced - set(sizes):
        # Published before, empty now: its zero would give the difference away; shown suppressed.
        found[aggregate] = dict(zip(MEASURES, NOTHING, strict=True))
        sizes[aggregate] = Size(0, 0, 0, 0)
    hidden = suppress(sizes, min_cell, min_farmers, forced=forced)
    return found, hidden, forced


def latest() -> OpenDataRelease | None:
    return db.session.scalar(select(OpenDataRelease).order_by(OpenDataRelease.id.desc()).limit(1))


def history() -> Iterable[tuple[Snapshot, set[Aggregate]]]:
    """Every release so far: its snapshot and what it published (one release in memory at a
    time)."""
    ids = db.session.scalars(select(OpenDataRelease.id).order_by(OpenDataRelease.id)).all()
    for ident in ids:
        cube, contributions = db.session.execute(
            select(OpenDataRelease.cube, OpenDataRelease.contributions).where(
                OpenDataRelease.id == ident
            )
        ).one()
        yield load_snapshot(contributions), published_aggregates(cube)[0]


def _consistent_read() -> None:
    """On PostgreSQL the cut reads in one snapshot (REPEATABLE READ) when it starts the
    transaction itself, so claims and meldingen are counted as of the same moment."""
    bind = db.session.get_bind()
    # (A session bound to a connection, as in the tests, is inside its caller's transaction.)
    fresh = isinstance(bind, Engine) and not db.session().in_transaction()
    if bind.dialect.name == "postgresql" and fresh:
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _take_lock() -> bool:
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(select(func.pg_try_advisory_xact_lock(RELEASE_LOCK))))


def publish_release() -> tuple[OpenDataRelease | None, bool]:
    """Cut, suppress (against every earlier release too) and store a release: (the release,
    True when it is new). The caller commits.

    When the published figures would be the same as the newest release's (no change, or none
    that shows), no release is made and the newest is returned (False): a release is never
    made twice, nor changed. (None, False) while another process makes one."""
    _consistent_read()
    if not _take_lock():
        return None, False
    config = current_app.config
    settings = (int(config["OPEN_DATA_MIN_CELL"]), int(config["OPEN_DATA_MIN_FARMERS"]))
    (newest, count), _ = data_version()
    version = f"{newest or 0}:{count}"
    last = latest()
    unchanged = last is not None and last.data_version == version
    if unchanged and (last.min_cell, last.min_farmers) == settings:  # type: ignore[union-attr]
        return last, False
    snapshot = cut()
    found, hidden, forced = compose(snapshot, history(), *settings)
    text = serialise(found, hidden, settings)
    digest = hashlib.sha256(text.encode()).hexdigest()
    if last is not None and last.sha256 == digest:
        return last, False
    years = sorted({a[0] for a in found if a[0] is not TOTAL})
    release = OpenDataRelease(
        created_at=utcnow(),
        period_start=damage_year_bounds(years[0])[0] if years else None,
        period_end=damage_year_bounds(years[-1])[1] if years else None,
        data_version=version,
        min_cell=settings[0],
        min_farmers=settings[1],
        cube=text,
        sha256=digest,
        contributions=dump_snapshot(snapshot),
    )
    db.session.add(release)
    db.session.flush()
    audit.record(
        "open_data.release_published",
        release,
        data={
            "sha256": digest,
            "data_version": version,
            "aggregates": len(found),
            "suppressed": len(hidden),
            "suppressed_against_differencing": len(forced),
        },
    )
    log.info("open data release %s published (sha256 %s)", release.id, digest)
    return release, True


# --- the schedule ---


def check_interval(interval: str) -> None:
    """ValueError unless OPEN_DATA_RELEASE_INTERVAL is one we know."""
    if interval not in FREQUENCIES:
        raise ValueError(
            f"OPEN_DATA_RELEASE_INTERVAL={interval!r}: choose one of {', '.join(FREQUENCIES)}"
        )


def period_start(interval: str, moment: datetime) -> datetime | None:
    """When the release period holding `moment` began (Dutch calendar: a day, a week from
    Monday, a month, a quarter); None for "off"."""
    check_interval(interval)
    day = moment.astimezone(AMSTERDAM).date()
    if interval == "off":
        return None
    if interval == "weekly":
        day -= timedelta(days=day.weekday())
    elif interval == "monthly":
        day = day.replace(day=1)
    elif interval == "quarterly":
        day = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return datetime.combine(day, time(), tzinfo=AMSTERDAM)


def due(interval: str, now: datetime | None = None) -> bool:
    """True when no release was made in the current period."""
    start = period_start(interval, now or utcnow())
    if start is None:
        return False
    newest = db.session.scalar(select(func.max(OpenDataRelease.created_at)))
    if newest is None:
        return True
    if isinstance(newest, str):  # SQLite answers an aggregate as text
        newest = datetime.fromisoformat(newest).replace(tzinfo=UTC)
    return newest < start


def release_continuously(
    app: Flask,
    stop: threading.Event,
    guard: Callable[[], AbstractContextManager[Any]] = nullcontext,
    poll: float = 60.0,
) -> None:
    """Cut a release once per OPEN_DATA_RELEASE_INTERVAL until `stop` is set (a thread of
    flask worker; every worker runs one, the lock and `due` keep it to one release)."""
    interval = app.config["OPEN_DATA_RELEASE_INTERVAL"]
    if interval == "off":
        return
    tried: datetime | None = None
    while True:
        with guard(), app.app_context():
            try:
                start = period_start(interval, utcnow())
                if start != tried:
                    is_due = due(interval)
                    db.session.rollback()  # the cut starts its own (consistent) transaction
                    made = publish_release()[0] if is_due else True
                    db.session.commit()
                    if made is not None:
                        tried = start
            except SQLAlchemyError:
                db.session.rollback()
                log.exception("cutting an open data release failed; the next round tries again")
            finally:
                db.session.remove()
        if stop.wait(poll):
            return


def summary(release: OpenDataRelease) -> Mapping[str, Any]:
    """What `flask open-data release` prints."""
    shown, hidden = published_aggregates(release.cube)
    return {
        "id": release.id,
        "created_at": release.created_at.isoformat(),
        "sha256": release.sha256,
        "aggregates": len(shown) + len(hidden),
        "suppressed": len(hidden),
    }
