"""Benchmark of decision letters in a real `flask worker`: each job is a forked work-horse.

Creates its own PostgreSQL database and redis-server, decides N claims (each approval queues a
letters.render job), leaves only the letter jobs in the queue, then starts `flask worker` as an
operator would (settings in the environment before Python starts) and waits until every letter
is ready. Prints, in one run:
  - letters per CPU-second of the worker (its own CPU and its forked children's): "per core",
  - letters per wall-second,
  - the baseline: the same letter jobs run in this (warm) process, per CPU-second,
  - the ratio forked / warm,
  - the same letters once more in a second `flask worker` whose letters are not signed (the
    signing step replaced by a pass-through in that worker only): what signing costs.
Drops the database afterwards.

    python bench/worker_letters.py [--n 40] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ADMIN_URL = "postgresql://faunaschade:faunaschade@127.0.0.1:5432/postgres"
DATABASE = os.environ.get("BENCH_DATABASE", "faunaschade_bench_worker_letters")
GOAL = 5.0  # letters per second per core in the real worker (issue 13)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _admin(statement: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(statement)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    """CPU of a process and of its children that it has waited for (utime+stime+cutime+cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLOCK_TICKS


def _decide(app, n: int) -> list[int]:
    """N decided claims; only their letter jobs stay queued. Returns the letters' ids."""
    from flask_migrate import upgrade
    from sqlalchemy import select, update

    from faunaschade.decisions import operations as decisions
    from faunaschade.extensions import db
    from faunaschade.jobs.core import dispatcher
    from faunaschade.models import JobRecord, JobStatus, Letter, LetterKind
    from tests.support.decisions import assessed_claim, drenthe_people

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        users = drenthe_people("a", "b")
        for _ in range(n):
            claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
            proposal = decisions.propose_decision(claim, users["a"])
            db.session.flush()
            decisions.approve_proposal(proposal, users["b"])
        db.session.commit()
        # Nothing queued while the worker starts (the mails are not what is measured: they stay
        # unsent); the letter jobs are handed over once the worker idles (_hand_over).
        db.session.execute(update(JobRecord).values(status=JobStatus.FINISHED))
        db.session.commit()
        dispatcher(app).redis.flushdb()
        ids = list(db.session.scalars(select(Letter.id).where(Letter.kind == LetterKind.DECISION)))
        db.session.remove()
    return ids


def _hand_over(app) -> None:
    """Queue every letter job again, as the sweep would."""
    from sqlalchemy import select, update

    from faunaschade.extensions import db
    from faunaschade.jobs.core import dispatcher
    from faunaschade.models import JobRecord, JobStatus

    with app.app_context():
        letters = JobRecord.name == "letters.render"
        db.session.execute(update(JobRecord).where(letters).values(status=JobStatus.PENDING))
        db.session.commit()
        disp = dispatcher(app)
        for job_id in db.session.scalars(select(JobRecord.id).where(letters)):
            disp.push(job_id, db.session.get_bind())
        db.session.remove()


def _in_process(app, letter_ids: list[int]) -> float:
    """CPU seconds of this warm process rendering the same letters (the job's own code)."""
    from sqlalchemy import update

    from faunaschade.extensions import db
    from faunaschade.letters.rendering import render_letter
    from faunaschade.models import Letter, LetterStatus

    with app.app_context():
        render_letter(letter_ids[0])  # warm: imports, fonts, templates, statements
        db.session.rollback()
        began = time.process_time()
        for letter_id in letter_ids:
            render_letter(letter_id)
            db.session.rollback()  # leave the letters for the worker
        spent = time.process_time() - began
        db.session.execute(update(Letter).values(status=LetterStatus.PENDING))
        db.session.rollback()
    return spent


#: Starts `flask worker` with the letter job's signing step replaced by a pass-through: the
#: "not signed" variant (only in that process and its forked children).
UNSIGNED_WORKER = (
    "import sys; import faunaschade.letters.rendering as r; "
    "r.sign_pdf = lambda pdf, *a, **k: pdf; "
    "from flask.cli import main; sys.argv[0] = 'flask'; main()"
)


def _run_worker(app, env: dict, log_path: Path, n: int, *, signed: bool) -> tuple[float, float]:
    """Start a worker, hand it the letter jobs, wait for all; (CPU seconds, wall seconds)."""
    from sqlalchemy import func, select

    from faunaschade.extensions import db
    from faunaschade.models import JobRecord, JobStatus

    start = ["-m", "flask"] if signed else ["-c", UNSIGNED_WORKER]
    log = open(log_path, "w")  # noqa: SIM115 - the worker writes it until the end
    worker = subprocess.Popen(
        [sys.executable, *start, "worker", "--sweep-interval", "3600"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while "worker starting" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # idle: start-up (imports, app, any warm-up) is not counted
        idle_cpu = _cpu_seconds(worker.pid)
        began = time.perf_counter()
        _hand_over(app)
        ready = 0
        with app.app_context():
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and worker.poll() is None:
                ready = db.session.scalar(
                    select(func.count())
                    .select_from(JobRecord)
                    .where(
                        JobRecord.name == "letters.render",
                        JobRecord.status == JobStatus.FINISHED,
                    )
                )
                db.session.rollback()
                if ready >= n:
                    break
                time.sleep(0.05)
        wall = time.perf_counter() - began
        time.sleep(0.5)  # rq waits for the last work-horse; its CPU then counts as the worker's
        cpu = _cpu_seconds(worker.pid) - idle_cpu
        if ready < n:
            raise SystemExit(f"only {ready} of {n} letters were rendered ({log_path})")
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()
    return cpu, wall


def _reset_letters(app) -> None:
    """Every decision letter pending again, its job not yet run (for the second worker)."""
    from sqlalchemy import update

    from faunaschade.extensions import db
    from faunaschade.models import JobRecord, JobStatus, Letter, LetterKind, LetterStatus

    with app.app_context():
        db.session.execute(
            update(Letter)
            .where(Letter.kind == LetterKind.DECISION)
            .values(status=LetterStatus.PENDING, file_id=None, sha256=None, rendered_at=None)
        )
        db.session.execute(
            update(JobRecord)
            .where(JobRecord.name == "letters.render")
            .values(status=JobStatus.FINISHED, attempts=0)
        )
        db.session.commit()
        db.session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="letters")
    parser.add_argument("--json", action="store_true", help="last line: one JSON object")
    args = parser.parse_args()

    import logging

    from faunaschade import create_app

    workdir = Path(tempfile.mkdtemp(prefix="faunaschade-bench-worker-"))
    port = _free_port()
    redis_server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    _admin(f"DROP DATABASE IF EXISTS {DATABASE}")
    _admin(f"CREATE DATABASE {DATABASE}")
    database_url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql:", "postgresql+psycopg:")
    database_url += f"/{DATABASE}"
    redis_url = f"redis://127.0.0.1:{port}/0"
    try:
        time.sleep(0.3)
        app = create_app(
            "development",
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "REDIS_URL": redis_url,
                "JOBS_IN_PROCESS": False,
                "MAIL_PORT": 1,
            },
        )
        logging.getLogger("faunaschade").setLevel(logging.CRITICAL)
        letter_ids = _decide(app, args.n)
        warm_cpu = _in_process(app, letter_ids)

        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "FLASK_APP": "wsgi",
            "FAUNASCHADE_ENV": "development",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "MAIL_PORT": "1",
        }
        cpu, wall = _run_worker(app, env, workdir / "worker.log", len(letter_ids), signed=True)
        _reset_letters(app)
        cpu_unsigned, wall_unsigned = _run_worker(
            app, env, workdir / "worker-unsigned.log", len(letter_ids), signed=False
        )
    finally:
        redis_server.terminate()
        _admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)

    n = len(letter_ids)
    per_core = n / cpu
    warm = n / warm_cpu
    print(f"decision letters in a real flask worker (forked job each), n={n}, PostgreSQL + rq:")
    print(f"  worker, start excluded: {cpu:6.2f} s CPU  {per_core:6.2f} letters/s per core")
    print(f"  worker, wall:           {wall:6.2f} s      {n / wall:6.2f} letters/s")
    print(f"  baseline, warm process: {warm_cpu:6.2f} s CPU  {warm:6.2f} letters/s per core")
    print(f"  ratio worker / warm: {per_core / warm:.2f}   goal >= {GOAL:g}/s per core")
    unsigned = n / cpu_unsigned
    signing_ms = (cpu - cpu_unsigned) / n * 1000
    print(
        f"  worker, not signed:     {cpu_unsigned:6.2f} s CPU  {unsigned:6.2f} letters/s per core"
    )
    print(
        f"  not signed, wall:       {wall_unsigned:6.2f} s      {n / wall_unsigned:6.2f} letters/s"
    )
    print(f"  signing costs {signing_ms:.0f} ms CPU per letter in the worker")
    if args.json:
        rows = [
            {
                "figure": "decision letters in a real flask worker (forked jobs)",
                "value": round(per_core, 2),
                "unit": "letters/s/core",
                "baseline": round(warm, 2),
                "baseline_label": "the same letter jobs in a warm process (CPU)",
                "ratio": round(per_core / warm, 3),
                "goal": f">= {GOAL:g}/s per core",
            },
            {
                "figure": "decision letters in a real flask worker, signed vs not signed",
                "value": round(per_core, 2),
                "unit": "letters/s/core",
                "baseline": round(unsigned, 2),
                "baseline_label": "the same worker with signing replaced by a pass-through",
                "ratio": round(per_core / unsigned, 3),
                "goal": "",
            },
        ]
        print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
