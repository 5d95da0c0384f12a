"""Realistic demo claims at national scale (`flask demo seed --claims N`).

The claims follow the BIJ12 proportions of DOMAIN.md §8 (profile.py); each claim's history is
written as the services would have written it (story.py), with every decision computed by the
rules engine. Rows are built in Python and inserted per table with executemany, committed per
chunk; audit events are chained in time order onto the existing chain (writer.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from faunaschade.clock import AMSTERDAM, local_day
from faunaschade.extensions import db
from faunaschade.models import refresh_next_due
from faunaschade.seed.claims import Builder
from faunaschade.seed.people import Farmers, ensure_staff
from faunaschade.seed.sampling import skeletons
from faunaschade.seed.writer import append_events, insert_rows

__all__ = ["SeedReport", "seed_claims"]


@dataclass
class SeedReport:
    """What a seed run wrote."""

    claims: int = 0
    rows: int = 0
    events: int = 0
    seconds: float = 0.0
    by_table: dict[str, int] = field(default_factory=dict)


def seed_claims(
    n: int,
    *,
    seed: int = 2026,
    now: datetime | None = None,
    chunk: int = 2000,
    password: str,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Write `n` claims with their history up to `now`; the same seed and `now` give the same data.

    `password` is the demo password of the seeded officers and assessors.
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    session = db.session()
    report = SeedReport()
    staff = ensure_staff(password)
    session.commit()

    rows: dict[str, list] = {"users": [], "farmer_profiles": []}
    farmers = Farmers(rng, session, rows)
    farmers.create(max(12, n // 3))
    report.rows += insert_rows(session, rows)
    session.commit()

    plan = skeletons(rng, n, local_day(now) - timedelta(days=1))
    builder = Builder(rng, now, staff, farmers, session)
    builder.rows = farmers.rows = _rows()
    for start in range(0, n, chunk):
        for sk in plan[start : start + chunk]:
            builder.build(sk)
        report.rows += _flush(session, builder.rows, report)
        builder.rows = farmers.rows = _rows()
        after = plan[start + chunk].day if start + chunk < n else None
        limit = datetime(after.year, after.month, after.day, tzinfo=AMSTERDAM) if after else None
        report.events += append_events(session, builder.pop_until(limit))
        session.commit()
        report.claims = min(n, start + chunk)
        if progress:
            progress(f"{report.claims} claims, {report.events} audit events")
    # Batches go in with a zero total: the database triggers add up their items.
    batches = builder.batches.rows()
    report.rows += _flush(session, batches, report)
    report.events += append_events(session, builder.pop_until(None))
    # The bulk load passes the ORM's flush hook: store every claim's next due date at once.
    refresh_next_due(session)
    session.commit()
    report.seconds = time.perf_counter() - started
    return report


def _rows() -> dict[str, list]:
    from collections import defaultdict

    return defaultdict(list)


def _flush(session, rows: dict[str, list], report: SeedReport) -> int:
    for name, batch in rows.items():
        report.by_table[name] = report.by_table.get(name, 0) + len(batch)
    return insert_rows(session, rows)
