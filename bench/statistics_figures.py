"""Benchmark of the auditor's statistics on PostgreSQL at national scale.

Creates its own database, seeds N claims with `flask demo seed`'s code (timed), then prints the
statistics service's time next to the same aggregate written directly in SQL (the ratio), and
the CSV exports' rows per second and peak Python memory (tracemalloc). Drops the database.

    python bench/statistics_figures.py               # 10,000 claims (short)
    python bench/statistics_figures.py --full        # the issue's 100,000 claims
    python bench/statistics_figures.py --json        # last line of stdout: one JSON object
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from faunaschade import create_app
from faunaschade.audit import chain as audit
from faunaschade.audit import log as audit_log
from faunaschade.claims.operations import today
from faunaschade.cli.demo import DEMO_PASSWORD, seed_users
from faunaschade.extensions import db
from faunaschade.models import User
from faunaschade.seed import seed_claims
from faunaschade.statistics import exports
from faunaschade.statistics import figures as statistics

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = "postgresql+psycopg://faunaschade:faunaschade@127.0.0.1:5432/postgres"
DATABASE = "faunaschade_bench"

# The aggregate by damage year and province, written by hand as an analyst would.
HAND_WRITTEN = """
WITH leges AS (
  SELECT claim_id, SUM(amount) AS amount FROM payments WHERE status = 'paid' GROUP BY claim_id
), paid AS (
  SELECT i.claim_id,
         SUM(CASE WHEN i.kind = 'payout' THEN i.amount ELSE 0 END) AS payout,
         SUM(CASE WHEN i.kind = 'leges_refund' THEN i.amount ELSE 0 END) AS refund
  FROM payment_batch_items i JOIN payment_batches b ON b.id = i.batch_id
  WHERE b.status = 'paid' GROUP BY i.claim_id
)
SELECT CASE WHEN EXTRACT(MONTH FROM c.discovered_on) >= 11
            THEN EXTRACT(YEAR FROM c.discovered_on)::int + 1
            ELSE EXTRACT(YEAR FROM c.discovered_on)::int END AS damage_year,
       c.province,
       COUNT(*) AS claims,
       COUNT(*) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')) AS granted,
       COUNT(*) FILTER (WHERE d.outcome = 'rejected') AS rejected,
       COUNT(*) FILTER (WHERE d.outcome = 'not_processed') AS not_processed,
       COUNT(*) FILTER (WHERE c.status = 'withdrawn') AS withdrawn,
       COUNT(*) FILTER (WHERE
            (c.status = 'incomplete' AND c.completion_deadline < :today)
         OR (c.status = 'assessment_ordered' AND (SELECT MIN(a.due_on) FROM assessments a
              WHERE a.claim_id = c.id AND a.status <> 'submitted') < :today)
         OR (c.status IN ('assessed', 'proposed') AND c.decision_target < :today)
         OR (c.status IN ('submitted', 'assessment_ordered', 'assessed', 'proposed')
             AND c.backstop_deadline < :today)
         OR (c.status = 'objection' AND (SELECT MIN(COALESCE(o.extended_until, o.decide_by))
              FROM objections o WHERE o.claim_id = c.id AND o.status <> 'decided') < :today)
       ) AS overdue,
       COALESCE(SUM(d.assessed_damage), 0) AS assessed_damage,
       COALESCE(SUM(d.own_risk), 0) AS own_risk,
       COALESCE(SUM(p.payout), 0) AS paid,
       COALESCE(SUM(l.amount), 0) AS leges_received,
       COALESCE(SUM(p.refund), 0) AS leges_refunded,
       percentile_cont(0.5) WITHIN GROUP (
         ORDER BY f.decided_on - (c.submitted_at AT TIME ZONE 'UTC')::date
       ) AS median_days_to_decision
FROM claims c
LEFT JOIN decisions d ON d.claim_id = c.id AND d.superseded_at IS NULL
LEFT JOIN decisions f ON f.claim_id = c.id AND f.version = 1
LEFT JOIN leges l ON l.claim_id = c.id
LEFT JOIN paid p ON p.claim_id = c.id
WHERE c.submitted_at IS NOT NULL
GROUP BY 1, 2
ORDER BY 1, 2
"""

# The meldingen beside them (the service counts them in the same groups: a second aggregate).
HAND_WRITTEN_REPORTS = """
SELECT CASE WHEN EXTRACT(MONTH FROM r.discovered_on) >= 11
            THEN EXTRACT(YEAR FROM r.discovered_on)::int + 1
            ELSE EXTRACT(YEAR FROM r.discovered_on)::int END AS damage_year,
       r.province,
       COUNT(*) AS reports,
       COUNT(*) FILTER (WHERE r.converted_claim_id IS NOT NULL) AS reports_converted,
       COALESCE(SUM(r.estimated_damage), 0) AS reported_damage
FROM damage_reports r
GROUP BY 1, 2
"""


def _admin(statement: str) -> None:
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


def best_of(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of `runs` timings, and the last result."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def export(make: Callable[[], Iterable[str]]) -> tuple[int, int, float, int]:
    """Consume a CSV stream twice: timed as is, then under tracemalloc for its peak memory.

    Returns (rows, bytes, seconds, peak Python memory in bytes).
    """

    def consume() -> tuple[int, int]:
        lines = size = 0
        for chunk in make():
            lines += chunk.count("\r\n")
            size += len(chunk.encode())
        return lines - 1, size

    start = time.perf_counter()
    lines, size = consume()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    consume()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return lines, size, seconds, peak


#: Figures for --json: (figure, value, unit, baseline, baseline label, goal).
FIGURES: list[tuple[str, float, str, float | None, str, str]] = []


def compare_statistics() -> None:
    group_by = ["damage_year", "province"]
    service_time, rows = best_of(5, lambda: list(statistics.rows(group_by)))
    hand = text(HAND_WRITTEN).bindparams(today=today())

    def by_hand() -> tuple[list, dict]:
        claims = db.session.execute(hand).mappings().all()
        reports = db.session.execute(text(HAND_WRITTEN_REPORTS)).mappings().all()
        return claims, {(r["damage_year"], r["province"]): r for r in reports}

    hand_time, (direct, reports) = best_of(5, by_hand)
    # A group with meldingen and no claims is a row of the service's of its own (claims 0).
    assert len(direct) == len([row for row in rows if row["claims"]])
    for mine, theirs in zip((row for row in rows if row["claims"]), direct, strict=True):
        for name in ("claims", "granted", "rejected", "overdue", "paid", "leges_refunded"):
            assert mine[name] == theirs[name], (mine, dict(theirs))
        median = theirs["median_days_to_decision"]
        assert mine["median_days_to_decision"] == (None if median is None else round(median, 1))
    for mine in rows:
        counted = reports.get((mine["damage_year"], mine["province"]), {"reports": 0})
        assert mine["reports"] == counted["reports"], (mine, counted)
    print(f"statistics by damage year × province ({len(rows)} rows), best of 5:")
    print(f"  service (SQLAlchemy, two aggregates): {service_time * 1000:8.1f} ms")
    print(f"  the same two aggregates in SQL:       {hand_time * 1000:8.1f} ms")
    print(f"  ratio service / hand-written SQL:     {service_time / hand_time:8.2f}")
    FIGURES.append(
        (
            "statistics by damage year x province",
            service_time * 1000,
            "ms",
            hand_time * 1000,
            "the same aggregate written in SQL, same run",
            "ratio <= 1.2",
        )
    )
    for keys in ([], ["species"], list(statistics.GROUP_KEYS)):
        seconds, found = best_of(3, lambda keys=keys: list(statistics.rows(keys)))
        label = ",".join(keys) or "(totals)"
        print(f"  service grouped by {label:<48} {seconds * 1000:8.1f} ms  {len(found)} rows")


def compare_exports() -> None:
    keys = list(statistics.GROUP_KEYS)
    header = [*keys, *statistics.MEASURES]

    def rows():
        for row in statistics.rows(keys):
            yield [row[name] for name in header]

    lines, size, seconds, peak = export(lambda: exports.csv_chunks(header, rows()))
    print(f"CSV export of the statistics grouped by every key ({lines} rows, {size / 1e6:.1f} MB):")
    print(f"  {lines / seconds:10,.0f} rows/s   peak Python memory {peak / 1e6:6.1f} MB")
    user = db.session.scalar(select(User).where(User.email == "controleur@demo.faunaschade.nl"))
    for label, filters in (
        ("one damage year (2025)", audit_log.AuditFilters(start=date(2024, 11, 1),
                                                          end=date(2025, 10, 31))),
        ("the whole log", audit_log.AuditFilters()),
    ):  # fmt: skip
        lines, size, seconds, peak = export(
            lambda filters=filters: exports.csv_chunks(
                audit_log.EXPORT_COLUMNS, audit_log.export_rows(user, filters)
            )
        )
        print(f"CSV export of the audit log, {label} ({lines:,} events, {size / 1e6:.0f} MB):")
        print(f"  {lines / seconds:10,.0f} rows/s   peak Python memory {peak / 1e6:6.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--full", action="store_true", help="the issue's size, 100,000 claims")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    if args.full:
        args.claims = 100_000
    _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DATABASE}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None})
    try:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            seed_users()
            report = seed_claims(args.claims, password=DEMO_PASSWORD)
            print(
                f"seeded {report.claims:,} claims in {report.seconds:.1f} s "
                f"({report.claims / report.seconds:,.0f} claims/s): {report.rows:,} rows and "
                f"{report.events:,} audit events"
            )
            start = time.perf_counter()
            chain = audit.verify()
            print(
                f"audit chain {'intact' if chain.intact else 'BROKEN'}: {chain.checked:,} events "
                f"verified in {time.perf_counter() - start:.1f} s"
            )
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            compare_statistics()
            compare_exports()
            db.session.remove()
            db.engine.dispose()
    finally:
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    if args.json:
        rows = [
            {
                "figure": f"{figure} ({args.claims} claims)",
                "value": round(value, 3),
                "unit": unit,
                "baseline": None if base is None else round(base, 3),
                "baseline_label": label,
                "ratio": None if base is None else round(value / base, 3),
                "goal": goal,
            }
            for figure, value, unit, base, label, goal in FIGURES
        ]
        print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
