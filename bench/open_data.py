"""Benchmark of the open data against the auditor's statistics, on PostgreSQL.

Creates its own database, seeds N claims with `flask demo seed`'s code, cuts a release (the
cube computed and suppressed, as `flask open-data release` does; timed), then measures through
the app (a test client, no network): the first open-data request (the release read back),
requests per second for the cached open data (full answer, and revalidation
with If-None-Match → 304), and requests per second for the auditor's statistics with the
same grouping, which are computed on every request; the ratio comes from the same run.

    python bench/open_data.py                  # 5,000 claims
    python bench/open_data.py --claims 20000
    python bench/open_data.py --json           # last line of stdout: one JSON object
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from faunaschade import create_app
from faunaschade.cli.demo import DEMO_PASSWORD, seed_users
from faunaschade.extensions import db
from faunaschade.seed import seed_claims
from faunaschade.statistics import releases

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = "postgresql+psycopg://faunaschade:faunaschade@127.0.0.1:5432/postgres"
DATABASE = "faunaschade_bench_open_data"
GROUP_BY = "damage_year,province,species_group,crop_group"


def _admin(statement: str) -> None:
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


def rate(seconds: float, ask) -> tuple[float, int]:
    """Requests per second over at least `seconds` (and at least three requests)."""
    count, start = 0, time.perf_counter()
    while count < 3 or time.perf_counter() - start < seconds:
        response = ask()
        assert response.status_code in (200, 304), response.status_code
        count += 1
    return count / (time.perf_counter() - start), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=5_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DATABASE}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
    app = create_app(
        "development",
        {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None, "RATELIMIT_ENABLED": False},
    )
    figures = {}
    try:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            seed_users()
            report = seed_claims(args.claims, password=DEMO_PASSWORD)
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            db.session.remove()
        print(f"seeded {report.claims:,} claims ({report.events:,} audit events)")
        with app.app_context():
            start = time.perf_counter()
            releases.publish_release()
            db.session.commit()
            cut = time.perf_counter() - start
            db.session.remove()
        print(f"release cut (cube computed and suppressed): {cut:8.2f} s")
        client = app.test_client()
        token = client.post(
            "/api/v1/auth/token",
            json={"email": "controleur@demo.faunaschade.nl", "password": DEMO_PASSWORD},
        ).json["token"]
        auditor = {"Authorization": f"Bearer {token}"}
        open_url = f"/api/v1/open-data/statistics?group_by={GROUP_BY}"

        start = time.perf_counter()
        first = client.get(open_url)
        cold = time.perf_counter() - start
        answer = first.json
        cells = len(answer["rows"])
        hidden = sum(row["suppressed"] for row in answer["rows"])
        print(f"open data, first request (release read back): {cold:8.2f} s")
        print(f"  {cells} cells, {hidden} suppressed; {len(first.data) / 1e3:.0f} kB of JSON")
        etag = first.headers["ETag"]
        cached, n_cached = rate(args.seconds, lambda: client.get(open_url))
        revalidated, _ = rate(
            args.seconds, lambda: client.get(open_url, headers={"If-None-Match": etag})
        )
        internal, n_internal = rate(
            args.seconds,
            lambda: client.get(f"/api/v1/statistics?group_by={GROUP_BY}", headers=auditor),
        )
        print(f"open data, cached, full answer:        {cached:10.1f} requests/s ({n_cached})")
        print(f"open data, revalidated (304):          {revalidated:10.1f} requests/s")
        print(f"auditor's statistics, uncached:        {internal:10.1f} requests/s ({n_internal})")
        print(f"ratio cached open data / auditor's:    {cached / internal:10.1f}")
        figures = {
            "claims": report.claims,
            "release_cut_s": round(cut, 3),
            "first_request_s": round(cold, 3),
            "open_cached_rps": round(cached, 1),
            "open_304_rps": round(revalidated, 1),
            "auditor_uncached_rps": round(internal, 2),
            "ratio": round(cached / internal, 1),
        }
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
