"""Audit chain benchmark: concurrent writers with and without the chain, and `audit verify`.

Creates its own PostgreSQL database (migrated) with one farmer and parcel per writer, then:

1. Writers: W processes (default 16) each create draft claims through the product's own
   `claims.operations.create_claim` + commit (the transaction of POST /api/v1/claims) as fast as
   they can for S seconds, started together (--variants picks some). Five variants,
   interleaved in rounds; what a round leaves unsealed is sealed before the next one starts:
     - off:    audit.record() writes nothing (the baseline: the same work without the chain),
     - unsealed: events written in the transaction and never sealed: the floor of any design
               that commits the event with its change,
     - chain:  the product as production runs it (AUDIT_SEALER=worker): events written in the
               transaction, sealed by one more process as `flask worker` seals (every 0.5 s),
     - commit: the product as `make run` runs it (AUDIT_SEALER=commit): each writer seals right
               after its commit,
     - locked: the first release's design, emulated here: record() takes the chain's advisory
               lock, reads the head and writes the sealed event, holding the lock to COMMIT.
   Prints transactions/s, p50/p99 latency and each as a ratio of `off` (goal: chain >= 0.8x),
   and the CPU one transaction costs (the writers, the sealer and their PostgreSQL backends,
   read from /proc): a figure that other load on the machine moves far less than the rates.
   Then checks that every event ended up sealed and the chain verifies.
2. Verify: N sealed events (default 200,000; --events 1100000 for the issue's size) written by
   COPY through the seed's writer, then `flask audit verify`'s function timed, in PostgreSQL and
   the Python walk, beside a plain fetch of every event row (the floor of any walk in Python).

    python bench/audit.py [--writers 16] [--seconds 8] [--rounds 2] [--events 200000]
                          [--variants off,unsealed,chain,commit,locked] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, func, select, text  # noqa: E402

from bench.procfs import proc_stat  # noqa: E402

ADMIN_URL = "postgresql+psycopg://faunaschade:faunaschade@127.0.0.1:5432/postgres"
DATABASE = "faunaschade_bench_audit"
DATABASE_URL = ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
VARIANTS = ("off", "unsealed", "chain", "commit", "locked")
# Read when config is imported: set before anything of the app is.
os.environ.update(DATABASE_URL=DATABASE_URL, FAUNASCHADE_ENV="development")
os.environ.pop("REDIS_URL", None)


def _admin(sql: str, url: str = ADMIN_URL) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE, VACUUM)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _app():
    from faunaschade import create_app

    return create_app()


def _prepare(writers: int) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DATABASE}"')
    from flask_migrate import upgrade

    from faunaschade.accounts import users
    from faunaschade.extensions import db
    from faunaschade.farmers import operations as farmers
    from faunaschade.models import FarmerProfile, Role

    app = _app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        for n in range(writers):
            user = users.create_user(f"boer{n}@bench.nl", "bench-wachtwoord-2026", Role.FARMER)
            profile = FarmerProfile(
                user_id=user.id,
                name=f"Boer {n}",
                kvk="12345678",
                iban="NL91ABNA0417164300",
                address="Dorpsstraat 1",
                postcode="8501 AA",
                city="Joure",
            )
            db.session.add(profile)
            db.session.flush()
            farmers.add_parcel(
                profile,
                {
                    "name": "Wei",
                    "area_ha": Decimal("40"),
                    "crop": "blijvend_grasland",
                    "tenure": "own",
                },
                user,
            )
        db.session.commit()
        db.engine.dispose()


def _old_design_record():
    """The first release's record(): the chain's lock from the first event to COMMIT."""
    from faunaschade.audit import chain
    from faunaschade.extensions import db
    from faunaschade.models import AuditEvent

    product = chain.record

    def record(*args, **kwargs):
        session = db.session()
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": chain.SEAL_LOCK})
        event = product(*args, **kwargs)
        session.info.pop("audit_recorded", None)
        head = session.execute(
            select(AuditEvent.seq, AuditEvent.hash)
            .where(AuditEvent.seq.is_not(None))
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).first()
        seq, prev = (head.seq, head.hash) if head else (0, chain.GENESIS)
        event.seq, event.prev_hash = seq + 1, prev
        event.hash = chain.link_hash(seq + 1, prev, event.content_hash)
        session.flush()
        return event

    return record


class _Cpu:
    """CPU seconds of this process and of the PostgreSQL backends it talks to (same machine:
    read from /proc), from a start mark on: a figure other helpers' load hardly moves."""

    def __init__(self, engine) -> None:
        self.backends: dict[int, float] = {}  # pid -> its CPU at the mark (0: connected since)
        self.mark = 0.0
        event.listen(engine, "checkout", self._seen)

    def _seen(self, dbapi_connection, _record, _proxy) -> None:
        self.backends.setdefault(dbapi_connection.info.backend_pid, 0.0)

    @staticmethod
    def _backend(pid: int) -> float:
        stat = proc_stat(pid)
        return stat.cpu_seconds if stat is not None else 0.0

    def _own(self) -> float:
        times = os.times()
        return times.user + times.system

    def start(self) -> None:
        self.mark = self._own()
        self.backends = {pid: self._backend(pid) for pid in self.backends}

    def used(self) -> float:
        backends = sum(self._backend(pid) - before for pid, before in self.backends.items())
        return self._own() - self.mark + backends


def _sealer(stop, start, cpu_used) -> None:
    """The workers' sealer, as `flask worker` runs it, from the writers' start on."""
    from faunaschade.audit import chain
    from faunaschade.extensions import db

    app = _app()
    # As production configures `flask worker`: it seals what waits and comes back at its
    # interval (with "commit", it would look again after every batch: a busy loop under load).
    app.config["AUDIT_SEALER"] = "worker"
    with app.app_context():
        cpu = _Cpu(db.engine)
    start.wait()
    cpu.start()
    chain.seal_continuously(app, stop)
    cpu_used.put(cpu.used())


def _writer(n: int, variant: str, seconds: float, start, results) -> None:
    app = _app()
    app.config["AUDIT_SEALER"] = "commit" if variant == "commit" else "worker"
    from faunaschade import clock
    from faunaschade.audit import chain
    from faunaschade.claims import operations as claims
    from faunaschade.extensions import db
    from faunaschade.models import FarmerProfile, User

    if variant == "off":
        chain.record = lambda *a, **k: None
    elif variant == "locked":
        chain.record = _old_design_record()
    latencies: list[float] = []
    with app.app_context():
        cpu = _Cpu(db.engine)
        user = db.session.scalar(select(User).where(User.email == f"boer{n}@bench.nl"))
        profile = db.session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))
        parcel_id = profile.parcels[0].id
        day = clock.today() - timedelta(days=1)  # the day in the Netherlands
        data = {
            "province": "FR",
            "crop": "blijvend_grasland",
            "discovered_on": day,
            "species": ["grauwe_gans"],
            "parcels": [
                {"parcel_id": parcel_id, "damaged_area_ha": Decimal("2.5"), "area_type": "regular"}
            ],
            "preventive_measures": ["acoustic"],
            "description": "Ganzen op het land.",
        }
        db.session.commit()
        start.wait()
        cpu.start()
        until = time.perf_counter() + seconds
        while (began := time.perf_counter()) < until:
            claims.create_claim(profile, data, user)
            db.session.commit()
            latencies.append(time.perf_counter() - began)
        used = cpu.used()
        db.engine.dispose()
    results.put((latencies, used))


def _seal_leftovers() -> None:
    """What an earlier round left unsealed ("unsealed") is sealed before the next round starts,
    and the rows that sealing left dead are vacuumed, so that no round pays for another's
    events (an autovacuum of audit_events in the middle of a round took a 2-core machine's CPU
    from its writers: rounds of the same variant then differed by 1.5x)."""
    from faunaschade.audit import chain
    from faunaschade.extensions import db

    with _app().app_context():
        chain.seal()
        db.engine.dispose()
    _admin("VACUUM (ANALYZE) audit_events", DATABASE_URL)


def _round(variant: str, writers: int, seconds: float) -> dict[str, float]:
    ctx = mp.get_context("fork")
    sealing = ctx.Process(target=_seal_leftovers)
    sealing.start()
    sealing.join()
    sealer = variant == "chain"
    start, results = ctx.Barrier(writers + 1 + sealer), ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(n, variant, seconds, start, results))
        for n in range(writers)
    ]
    stop, sealer_cpu = ctx.Event(), ctx.Queue()
    if sealer:
        procs.append(ctx.Process(target=_sealer, args=(stop, start, sealer_cpu)))
    for proc in procs:
        proc.start()
    start.wait()
    began = time.perf_counter()
    latencies: list[float] = []
    cpu = 0.0
    for _ in range(writers):
        got, used = results.get(timeout=seconds + 120)
        latencies += got
        cpu += used
    elapsed = max(time.perf_counter() - began, seconds)
    stop.set()
    if sealer:
        cpu += sealer_cpu.get(timeout=120)
    for proc in procs:
        proc.join()
    latencies.sort()
    return {
        "tx": len(latencies),
        "cpu_ms": 1000 * cpu / len(latencies),
        "per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def _writers(args) -> list[dict]:
    variants = ["off", *(v for v in args.variants.split(",") if v != "off")]
    totals = {v: {"tx": 0, "seconds": 0.0, "cpu": 0.0, "p50": [], "p99": []} for v in variants}
    for number in range(args.rounds):
        for variant in variants:
            got = _round(variant, args.writers, args.seconds)
            totals[variant]["tx"] += got["tx"]
            totals[variant]["seconds"] += got["tx"] / got["per_s"]
            totals[variant]["cpu"] += got["cpu_ms"] * got["tx"]
            totals[variant]["p50"].append(got["p50_ms"])
            totals[variant]["p99"].append(got["p99_ms"])
            print(
                f"  round {number + 1} {variant:<7} {got['per_s']:8.1f} tx/s  "
                f"p50 {got['p50_ms']:6.1f} ms  p99 {got['p99_ms']:7.1f} ms  "
                f"CPU {got['cpu_ms']:5.1f} ms/tx",
                flush=True,
            )
    rate = {v: t["tx"] / t["seconds"] for v, t in totals.items()}
    print(f"\n{args.writers} concurrent writers, {args.rounds} x {args.seconds:.0f} s each:")
    rows = []
    cpu = {v: t["cpu"] / t["tx"] for v, t in totals.items()}
    for variant in variants:
        t = totals[variant]
        ratio = rate[variant] / rate["off"]
        p50, p99 = statistics.median(t["p50"]), statistics.median(t["p99"])
        print(
            f"  {variant:<7} {rate[variant]:8.1f} tx/s  {ratio:5.2f}x off  "
            f"p50 {p50:6.1f} ms  p99 {p99:7.1f} ms  "
            f"CPU {cpu[variant]:5.1f} ms/tx  {cpu['off'] / cpu[variant]:5.2f}x off"
        )
        if variant != "off":
            rows.append(
                {
                    "figure": f"{args.writers} concurrent audited writers ({variant})",
                    "value": round(rate[variant], 1),
                    "unit": "tx/s",
                    "baseline": round(rate["off"], 1),
                    "baseline_label": "same writers writing no audit event",
                    "ratio": round(ratio, 3),
                    "goal": {
                        "chain": ">= 0.8x",
                        "unsealed": "floor",
                        "commit": "make run",
                        "locked": "first release",
                    }[variant],
                }
            )
    return rows


def _check_chain() -> None:
    from faunaschade.audit import chain
    from faunaschade.extensions import db

    with _app().app_context():
        chain.seal()
        report = chain.verify()
        waiting = chain.pending().count
        print(
            f"  chain after the writers: {report.checked:,} events, "
            f"{'intact' if report.intact else 'BROKEN'}, {waiting} unsealed"
        )
        if not report.intact:
            raise SystemExit("\n".join(report.problems[:10]))
        db.engine.dispose()


def _verify(events: int) -> list[dict]:
    from faunaschade.audit import chain
    from faunaschade.extensions import db
    from faunaschade.seed.writer import Event, append_events

    with _app().app_context():
        t0 = datetime(2025, 1, 1, tzinfo=UTC)
        made = (
            Event(
                t0 + timedelta(seconds=i),
                "claim.transition",
                "claim",
                i,
                from_status="submitted",
                to_status="assessment_ordered",
                reason="Taxatie opgedragen" if i % 3 else None,
                data={"assessor_id": i % 97, "amount": f"{i % 5000}.50"},
            )
            for i in range(events)
        )
        began = time.perf_counter()
        append_events(db.session, made)
        db.session.commit()
        db.session.execute(text("ANALYZE audit_events"))
        print(f"\n{events:,} events written in {time.perf_counter() - began:.1f} s")
        total = db.session.scalar(select(func.count()).select_from(chain.AuditEvent))

        def timed(name: str, run) -> float:
            began = time.perf_counter()
            outcome = run()
            seconds = time.perf_counter() - began
            print(f"  {name:<34} {seconds:7.2f} s  {total / seconds:12,.0f} events/s  {outcome}")
            return total / seconds

        def fetch_all() -> str:
            raw = db.session.connection().connection.driver_connection
            count = 0
            with raw.cursor(name="plain") as cursor:
                cursor.itersize = 20_000
                cursor.execute("SELECT * FROM audit_events")
                for _row in cursor:
                    count += 1
            return f"{count:,} rows"

        def report_of(run) -> str:
            report = run()
            return f"{report.checked:,} checked, {'intact' if report.intact else 'BROKEN'}"

        floor = timed("plain fetch of every row (floor)", fetch_all)
        in_sql = timed("audit verify (PostgreSQL)", lambda: report_of(chain.verify))
        in_python = timed(
            "audit verify (Python walk)", lambda: report_of(lambda: chain._verify_here(20_000))
        )
        db.engine.dispose()
    return [
        {
            "figure": f"flask audit verify, {total:,} events",
            "value": round(in_sql),
            "unit": "events/s",
            "baseline": round(floor),
            "baseline_label": "plain fetch of every event row into Python",
            "ratio": round(in_sql / floor, 2),
            "goal": ">= 200,000 events/s",
        },
        {
            "figure": f"audit verify, Python walk (SQLite's path), {total:,} events",
            "value": round(in_python),
            "unit": "events/s",
            "baseline": round(floor),
            "baseline_label": "plain fetch of every event row into Python",
            "ratio": round(in_python / floor, 2),
            "goal": "reference",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument(
        "--variants",
        default=",".join(VARIANTS),
        help=f"Writer variants to run, comma-separated (off always runs): {','.join(VARIANTS)}",
    )
    parser.add_argument("--skip-writers", action="store_true")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--json", action="store_true", help="End with one line of JSON rows.")
    args = parser.parse_args()
    _prepare(args.writers)
    rows: list[dict] = []
    try:
        if not args.skip_writers:
            rows += _writers(args)
            _check_chain()
        if args.events:
            rows += _verify(args.events)
    finally:
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    if args.json:
        print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
