"""Faults a worker meets: killed outright mid-letter, Redis gone while a job runs.

A worker killed outright (master and work-horse, as a crash or OOM kill does):

rq notices an abandoned job only when its heartbeat expires and cleans it up in its 10-minute
maintenance; the sweep of the next worker must recover it well before that, /healthz must show
the job meanwhile, and the result is still exactly one letter.
"""

import os
import time

import pytest
from sqlalchemy import func, select

from faunaschade.decisions import operations as decisions
from faunaschade.extensions import db
from faunaschade.models import JobRecord, JobStatus, Letter, LetterKind, LetterStatus, User
from tests.support.decisions import assessed_claim, drenthe_people
from tests.support.production import Worker, wait_for
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.postgres_only


def _record(app, job_id: str) -> JobRecord | None:
    with app.app_context():
        record = db.session.get(JobRecord, job_id)
        db.session.expunge_all()
        return record


def test_a_worker_killed_outright_is_recovered_by_the_next_worker_within_two_minutes(
    committed, database_url, redis_url, tmp_path
):
    with committed.app_context():
        users = drenthe_people("a", "b")
        claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        decision = decisions.approve_proposal(
            decisions.propose_decision(claim, users["a"]), users["b"]
        )
        db.session.commit()  # the letter job goes to Redis now
        letter = db.session.scalar(select(Letter).where(Letter.decision_id == decision.id))
        job_id = f"letter-{letter.id}-v1"
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "JOB_RETRY_INTERVALS": "0",
        "JOB_MONITORING_INTERVAL": "1",
        "MAIL_PORT": "1",
    }
    doomed = Worker({**env, "LETTER_FAULT_PAUSE_SECONDS": "60"}, tmp_path / "w1.log", 1)
    doomed.start()
    try:
        wait_for(
            lambda: (r := _record(committed, job_id)) and r.status == JobStatus.STARTED,
            60,
            "the letter job to start",
        )
        time.sleep(1.5)  # inside the letter's transaction, paused before its commit
    finally:
        doomed.kill()
    killed_at = time.monotonic()

    health = committed.test_client().get("/healthz").json["database"]
    assert health["jobs_started"] == 1, health

    successor = Worker(env, tmp_path / "w2.log", 1)
    successor.start()
    try:

        def ready() -> bool:
            with committed.app_context():
                letter = db.session.scalar(select(Letter).where(Letter.kind == LetterKind.DECISION))
                db.session.remove()
                return letter.status == LetterStatus.READY

        wait_for(ready, 150, f"the letter after the kill\n{successor.log()[-3000:]}")
        recovered_after = time.monotonic() - killed_at
    finally:
        successor.stop()
    assert recovered_after < 120, recovered_after
    record = _record(committed, job_id)
    assert (record.status, record.attempts) == (JobStatus.FINISHED, 2), successor.log()
    with committed.app_context():
        letters = db.session.scalar(
            select(func.count()).select_from(Letter).where(Letter.kind == LetterKind.DECISION)
        )
        assert letters == 1


def test_the_worker_outlives_a_redis_outage_that_starts_mid_job(
    committed, other_app, database_url, tmp_path
):
    redis = RedisServer(str(tmp_path))
    redis.start()
    app = other_app(REDIS_URL=redis.url)

    def decide() -> str:
        with app.app_context():
            users = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
            claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
            decision = decisions.approve_proposal(
                decisions.propose_decision(claim, users["a"]), users["b"]
            )
            db.session.commit()
            return db.session.scalar(select(Letter.id).where(Letter.decision_id == decision.id))

    with app.app_context():
        drenthe_people("a", "b")
        db.session.commit()
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "JOB_RETRY_INTERVALS": "0",
        "MAIL_PORT": "1",
        "LETTER_FAULT_PAUSE_SECONDS": "3",
    }
    worker = Worker(env, tmp_path / "worker.log", sweep_interval=1)
    worker.start()
    try:
        first = decide()
        wait_for(
            lambda: (r := _record(app, f"letter-{first}-v1")) and r.status == JobStatus.STARTED,
            60,
            "the first letter to start",
        )
        redis.stop()
        time.sleep(4)  # the job finishes in the database while Redis is away
        redis.start()  # empty: it keeps nothing on disk
        second = decide()

        def ready(letter_id: int) -> bool:
            with app.app_context():
                status = db.session.get(Letter, letter_id).status
                db.session.remove()
                return status == LetterStatus.READY

        wait_for(lambda: ready(first) and ready(second), 90, f"both letters\n{worker.log()}")
        assert worker.process.poll() is None, worker.log()
    finally:
        worker.stop()
        redis.discard()
