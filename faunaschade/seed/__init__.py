"""Realistic demo claims at national scale (`flask demo seed --claims N`).

The claims follow the BIJ12 proportions of DOMAIN.md §8 (profile.py); each claim's history is
written as the services would have written it (story.py), with every decision computed by the
rules engine. Rows are built in Python and inserted per table (COPY on PostgreSQL, executemany
elsewhere) in one transaction; audit events are chained in time order onto the existing chain
(writer.py).
"""

from __future__ import annotations

import gc
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine

from faunaschade.clock import AMSTERDAM, local_day
from faunaschade.extensions import db
from faunaschade.models import refresh_next_due
from faunaschade.seed.claims import Builder
from faunaschade.seed.people import Farmers, ensure_staff
from faunaschade.seed.sampling import skeletons
from faunaschade.seed.writer import Chain, Loader, SetAside, insert_rows

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

    `password` is the demo password of the seeded officers and assessors. The claims go in as
    one transaction, chunk by chunk (on PostgreSQL a chunk is COPYed while the next is built);
    a seed larger than the audit chain it extends sets the tables' secondary indexes and
    constraints aside meanwhile (writer.SetAside).
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    session = db.session()
    report = SeedReport()
    staff = ensure_staff(password)
    session.commit()

    with _sequences(session) as sequences, _without_cycle_collection():
        rows: dict[str, list] = {"users": [], "farmer_profiles": []}
        farmers = Farmers(rng, session, rows, sequences)
        farmers.create(max(12, n // 3))
        report.rows += insert_rows(session, rows)
        session.commit()

        plan = skeletons(rng, n, local_day(now) - timedelta(days=1))
        builder = Builder(rng, now, staff, farmers, session, sequences)
        with Loader(session) as loader:
            chain = Chain(session)
            aside = None
            if loader.raw is not None and n * EVENTS_PER_CLAIM > chain.seq:
                aside = SetAside(session, CHUNK_TABLES)
                aside.take_off()
            builder.rows = farmers.rows = _rows()
            for start in range(0, n, chunk):
                for sk in plan[start : start + chunk]:
                    builder.build(sk)
                after = plan[start + chunk].day if start + chunk < n else None
                limit = (
                    datetime(after.year, after.month, after.day, tzinfo=AMSTERDAM)
                    if after
                    else None
                )
                events = chain.link(builder.pop_until(limit))
                report.rows += loader.write(_counted(builder.rows, report), events)
                report.events += len(events)
                builder.rows = farmers.rows = _rows()
                report.claims = min(n, start + chunk)
                if progress:
                    progress(f"{report.claims} claims, {report.events} audit events")
            loader.wait()
            # The bulk load passes the ORM's flush hook: store every claim's next due date at
            # once (it reads assessments and objections: their indexes are back by then; the
            # claims' come back after, so the UPDATE of every claim need not keep them up).
            if aside is not None:
                aside.put_back(*(name for name in CHUNK_TABLES if name != "claims"))
            refresh_next_due(session)
            if aside is not None:
                aside.put_back()
            # Batches go in with a zero total: the database triggers add up their items.
            events = chain.link(builder.pop_until(None))
            report.rows += loader.write(_counted(builder.batches.rows(), report), events)
            report.events += len(events)
        session.commit()
    report.seconds = time.perf_counter() - started
    return report


#: The tables written chunk by chunk (the payment batches go in after them).
CHUNK_TABLES = (
    "claims",
    "claim_species",
    "claim_parcels",
    "parcels",
    "payments",
    "assessments",
    "assessment_lines",
    "assessment_visits",
    "livestock_items",
    "proposals",
    "decisions",
    "objections",
    "audit_events",
)
#: Fewer than a seeded claim has on average (about eleven): a seed of n claims sets the indexes
#: aside when it writes more events than the chain holds.
EVENTS_PER_CLAIM = 10


@contextmanager
def _sequences(session) -> Iterator[Connection | None]:
    """PostgreSQL: a connection of its own for the seed's ids (writer.Ids); None elsewhere."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        yield None
        return
    engine = bind if isinstance(bind, Engine) else bind.engine
    with engine.connect() as connection:
        yield connection.execution_options(isolation_level="AUTOCOMMIT")


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The seed makes millions of objects that live to its end (rows, events waiting for their
    time) and none that form reference cycles: the cycle collector's passes over them (measured:
    a fifth of the seed's time at 20,000 claims) find nothing. Plain reference counting still
    frees what the seed lets go of."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rows() -> dict[str, list]:
    return defaultdict(list)


def _counted(rows: dict[str, list], report: SeedReport) -> dict[str, list]:
    for name, batch in rows.items():
        report.by_table[name] = report.by_table.get(name, 0) + len(batch)
    return rows
