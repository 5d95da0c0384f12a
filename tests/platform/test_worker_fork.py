"""A forked job gets its own database connection, never the worker's (rq forks a work-horse)."""

import os
import threading
import time

import pytest
from sqlalchemy import func, select, text

from faunaschade import jobs
from faunaschade.decisions import operations as decisions
from faunaschade.extensions import db
from faunaschade.jobs.core import job
from faunaschade.models import JobRecord, JobStatus, Letter, LetterKind, LetterStatus
from tests.support.decisions import assessed_claim, drenthe_people
from tests.support.production import Worker

pytestmark = pytest.mark.postgres_only

_PIPE: dict[str, int] = {}


@job("test.backend_pid", retries=0)
def _report_backend_pid() -> None:
    os.write(_PIPE["w"], str(db.session.scalar(text("SELECT pg_backend_pid()"))).encode())


def test_a_forked_job_opens_its_own_connection(committed):
    with committed.app_context():
        jobs.enqueue("test.backend_pid", "backend-pid-1")
        db.session.commit()
        # The worker's own work (its sweep) leaves one connection in the pool before it forks.
        db.engine.dispose()
        parent_backend = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.commit()
    _PIPE["r"], _PIPE["w"] = os.pipe()
    child = os.fork()
    if child == 0:  # the work-horse
        code = 1
        try:
            jobs.core.execute("backend-pid-1", committed)
            code = 0
        finally:
            os._exit(code)
    os.close(_PIPE["w"])
    _, status = os.waitpid(child, 0)
    child_backend = int(os.read(_PIPE["r"], 64) or 0)
    os.close(_PIPE["r"])
    assert os.waitstatus_to_exitcode(status) == 0
    assert child_backend and child_backend != parent_backend
    with committed.app_context():  # the parent's connection still works after the child's exit
        assert db.session.scalar(text("SELECT pg_backend_pid()")) == parent_backend


@pytest.mark.parametrize(
    "sealer",
    [
        {},
        # The audit sealer, a thread of the worker, busy all the time: rq forks while it holds a
        # connection, and the child must not roll back or close that connection on clean-up.
        {"AUDIT_SEALER": "worker", "AUDIT_SEAL_INTERVAL_SECONDS": "0.002"},
    ],
    ids=["sweep", "sweep-and-busy-sealer"],
)
def test_letters_in_a_real_forking_worker_with_a_busy_sweep_succeed_first_time(
    committed, database_url, redis_url, tmp_path, sealer
):
    with committed.app_context():
        users = drenthe_people("a", "b")
        for _ in range(10):
            claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
            proposal = decisions.propose_decision(claim, users["a"])
            db.session.flush()
            decisions.approve_proposal(proposal, users["b"])
        db.session.commit()
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MAIL_PORT": "1",
        "JOB_RETRY_INTERVALS": "1",  # a failed first attempt shows as attempts == 2, soon
        **sealer,
    }
    worker = Worker(env, tmp_path / "worker.log", sweep_interval=1)
    worker.start()
    try:
        with committed.app_context():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and worker.process.poll() is None:
                db.session.remove()
                ready = db.session.scalar(
                    select(func.count())
                    .select_from(Letter)
                    .where(Letter.kind == LetterKind.DECISION, Letter.status == LetterStatus.READY)
                )
                letter_jobs = db.session.scalars(
                    select(JobRecord).where(JobRecord.name == "letters.render")
                ).all()
                # A job's letter commits before the job's record says finished.
                if ready == 10 and all(r.status == JobStatus.FINISHED for r in letter_jobs):
                    break
                time.sleep(0.2)
    finally:
        worker.stop()
    log = worker.log()
    assert ready == 10, log[-3000:]
    assert [(r.status, r.attempts, r.error) for r in letter_jobs] == [
        (JobStatus.FINISHED, 1, None)
    ] * 10, log[-3000:]
    for symptom in ("INTRANS", "server closed the connection", "EMPTY_QUERY"):
        assert symptom not in log


def test_a_fork_waits_for_background_database_work_and_drops_the_threads_sessions(committed):
    # The worker's sweep and sealer are threads; rq forks the work-horse and its scheduler at
    # any moment. A fork in the middle of a thread's transaction would hand the child that
    # thread's session and socket.
    entered, finished = threading.Event(), threading.Event()

    def background() -> None:
        with jobs.core.background_work(), committed.app_context():
            db.session.scalar(text("SELECT pg_backend_pid()"))  # a transaction, mid-way
            entered.set()
            time.sleep(0.3)
            db.session.commit()
            finished.set()

    thread = threading.Thread(target=background)
    thread.start()
    entered.wait(5)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        report = f"{int(finished.is_set())}{len(db.session.registry.registry)}"
        os.write(write, report.encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    report = os.read(read, 16).decode()
    os.close(read)
    thread.join()
    assert report[0] == "1", "the fork did not wait for the thread's database work"
    assert report[1:] == "0", "the child inherited its parent's scoped sessions"
