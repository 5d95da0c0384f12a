"""Jobs: recorded in the database, enqueued after commit, run by a real rq worker; nothing lost."""

import pytest
from rq import Queue
from sqlalchemy import select

from faunaschade import jobs
from faunaschade.jobs.core import RqDispatcher, dispatcher, job
from faunaschade.models import AuditEvent, JobRecord, JobStatus
from tests.support.app import rollback_session

CALLS: list[str] = []


@job("test.remember", queue="default", retries=2)
def remember(word: str) -> None:
    """Records a word; fails for 'boom' (tests only)."""
    CALLS.append(word)
    if word == "boom":
        raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()


def test_job_is_enqueued_only_after_commit_and_run_by_a_real_worker(
    session, redis_conn, run_worker
):
    jobs.enqueue("test.remember", "remember-1", word="hallo")
    assert len(Queue("default", connection=redis_conn)) == 0  # not before commit
    session.commit()
    assert Queue("default", connection=redis_conn).job_ids == ["remember-1"]
    assert session.get(JobRecord, "remember-1").status == JobStatus.QUEUED
    run_worker()
    session.expire_all()
    record = session.get(JobRecord, "remember-1")
    assert (record.status, record.attempts, CALLS) == (JobStatus.FINISHED, 1, ["hallo"])


def test_a_released_savepoint_is_not_the_commit(session, redis_conn, run_worker):
    """A letter's insert takes a savepoint: releasing it hands no job over (its row is not
    committed yet); the transaction's commit does."""
    jobs.enqueue("test.remember", "remember-sp", word="later")
    with session.begin_nested():
        session.execute(select(1))
    assert len(Queue("default", connection=redis_conn)) == 0
    session.commit()
    assert Queue("default", connection=redis_conn).job_ids == ["remember-sp"]
    run_worker()
    assert CALLS == ["later"]


def test_rolled_back_job_is_never_enqueued(session, redis_conn):
    jobs.enqueue("test.remember", "remember-2", word="weg")
    session.rollback()
    session.commit()
    assert len(Queue("default", connection=redis_conn)) == 0
    assert session.get(JobRecord, "remember-2") is None


def test_same_job_id_twice_is_one_job(session, redis_conn, run_worker):
    jobs.enqueue("test.remember", "remember-3", word="een")
    session.commit()
    jobs.enqueue("test.remember", "remember-3", word="een")
    session.commit()
    run_worker()
    assert CALLS == ["een"]


def test_failing_job_is_retried_then_marked_failed(session, redis_conn, run_worker):
    jobs.enqueue("test.remember", "remember-4", word="boom")
    session.commit()
    run_worker()
    session.expire_all()
    record = session.get(JobRecord, "remember-4")
    assert CALLS == ["boom", "boom", "boom"]  # first try and two retries
    assert record.status == JobStatus.FAILED and record.attempts == 3
    assert "RuntimeError: boom" in record.error


def test_redis_down_keeps_the_job_pending_until_the_sweep(app, session, redis_conn, run_worker):
    real = dispatcher(app)
    app.extensions["faunaschade.jobs"] = RqDispatcher(
        real.redis.from_url("redis://127.0.0.1:1/15"), [0]
    )
    try:
        jobs.enqueue("test.remember", "remember-5", word="later")
        session.commit()
        assert session.get(JobRecord, "remember-5").status == JobStatus.PENDING
    finally:
        app.extensions["faunaschade.jobs"] = real
    with app.app_context():
        assert jobs.sweep() == 1
    session.expire_all()
    assert session.get(JobRecord, "remember-5").status == JobStatus.QUEUED
    run_worker()
    assert CALLS == ["later"]


def test_audit_verification_job_runs_on_the_worker(session, redis_conn, run_worker):
    jobs.enqueue("system.verify_audit_chain", "audit-verify-test")
    session.commit()
    run_worker()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.verified"))
    assert event.data["intact"] is True


def test_without_redis_jobs_run_in_process(other_app):
    app = other_app(REDIS_URL=None, JOBS_IN_PROCESS=True)
    with rollback_session(app) as session:
        jobs.enqueue("test.remember", "remember-6", word="direct")
        session.commit()
        assert CALLS == ["direct"]
        assert session.get(JobRecord, "remember-6").status == JobStatus.FINISHED
