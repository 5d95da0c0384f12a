"""Benchmark of `flask demo seed --claims N` on a fresh PostgreSQL database.

Creates its own database and migrates it (not timed), then runs `flask demo seed --claims N` as a
user would, in a subprocess, and prints the seconds and claims/s. The baseline, measured in the
same run: a bare COPY of as many rows as the seed wrote (rows and audit events), each as wide as
the seeded rows are on average, into one unindexed table without triggers — what PostgreSQL
needs to take in that much data at all. Drops the database afterwards.

    python bench/seed.py                    # 5,000 claims (short)
    python bench/seed.py --claims 100000    # the issue's size (goal: under 120 s)
    python bench/seed.py --json             # the last line of stdout is one JSON object
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = "postgresql://faunaschade:faunaschade@127.0.0.1:5432/postgres"
DATABASE = "faunaschade_bench_seed"
GOAL_SECONDS = 120
ISSUE_SIZE = 100_000


def _admin(statement: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(statement)


def _url(database: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def _flask(args: list[str], database: str) -> str:
    """Run a flask command against the benchmark database; returns its stdout."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FLASK_APP": "wsgi",
        "FAUNASCHADE_ENV": "development",
        "DATABASE_URL": _url(database),
        "REDIS_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"flask {' '.join(args)} failed ({done.returncode})")
    return done.stdout


def seeded_shape(database: str) -> tuple[int, int]:
    """(rows in every table, average heap bytes per row) of the seeded database."""
    with psycopg.connect(_url(database), autocommit=True) as conn:
        conn.execute("ANALYZE")
        rows, size = conn.execute(
            "SELECT SUM(n_live_tup), SUM(pg_table_size(relid)) FROM pg_stat_user_tables"
        ).fetchone()
    return int(rows), int(size) // max(1, int(rows))


def bare_copy(database: str, rows: int, width: int) -> float:
    """Seconds to COPY `rows` rows of `width` bytes into a fresh unindexed table."""
    # A tuple header and line pointer take about 28 bytes of the heap; the rest is data.
    value = "x" * max(1, width - 28)
    with psycopg.connect(_url(database)) as conn:
        conn.execute("CREATE TABLE bench_bare_copy (payload text)")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy("COPY bench_bare_copy FROM STDIN") as copy:
            for _ in range(rows):
                copy.write_row((value,))
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_bare_copy")
        conn.commit()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=5000, help="claims to seed (default 5000)")
    parser.add_argument("--full", action="store_true", help=f"the issue's size ({ISSUE_SIZE:,})")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    claims = ISSUE_SIZE if args.full else args.claims

    _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DATABASE}"')
    try:
        _flask(["db", "upgrade"], DATABASE)
        started = time.perf_counter()
        output = _flask(["demo", "seed", "--claims", str(claims)], DATABASE)
        seconds = time.perf_counter() - started
        found = re.search(r"\((\d+) rows, (\d+) audit events\)", output)
        if not found or f"{claims} claims seeded" not in output:
            raise SystemExit(f"unexpected output of flask demo seed:\n{output}")
        written, events = int(found[1]), int(found[2])
        rows, width = seeded_shape(DATABASE)
        copy_seconds = bare_copy(DATABASE, rows, width)
    finally:
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    ratio = seconds / copy_seconds
    print(f"flask demo seed --claims {claims:,} (subprocess, fresh PostgreSQL database):")
    print(f"  {seconds:8.1f} s   {claims / seconds:8,.0f} claims/s")
    print(f"  wrote {written:,} rows and {events:,} audit events ({rows:,} rows in all)")
    print(f"baseline: bare COPY of {rows:,} rows of {width} bytes into an unindexed table:")
    print(f"  {copy_seconds:8.1f} s   ratio seed / bare COPY {ratio:6.1f}")
    if claims != ISSUE_SIZE:
        print(f"  (goal: under {GOAL_SECONDS} s at {ISSUE_SIZE:,} claims: --full)")
    if args.json:
        label = f"bare COPY of {rows} rows of {width} bytes, same run"
        figures = [
            ("seed seconds", seconds, "s", copy_seconds, f"< {GOAL_SECONDS} s at 100,000 claims"),
            ("seed claims per second", claims / seconds, "claims/s", None, "> 833 claims/s"),
        ]
        print(
            json.dumps(
                {
                    "rows": [
                        {
                            "figure": f"{figure} ({claims} claims)",
                            "value": round(value, 3),
                            "unit": unit,
                            "baseline": None if base is None else round(base, 3),
                            "baseline_label": label if base is not None else "",
                            "ratio": None if base is None else round(value / base, 3),
                            "goal": goal,
                        }
                        for figure, value, unit, base, goal in figures
                    ]
                }
            )
        )


if __name__ == "__main__":
    main()
