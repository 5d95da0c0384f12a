"""Redis stopped at the moment of approval: the letter job waits in the database, then runs."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from redis import Redis
from rq import SimpleWorker
from sqlalchemy import select

from faunaschade import jobs
from faunaschade.decisions import operations as decisions
from faunaschade.jobs.core import QUEUES
from faunaschade.models import (
    JobRecord,
    JobStatus,
    Letter,
    LetterKind,
    LetterStatus,
)
from tests.support.app import rollback_session
from tests.support.decisions import assessed_claim, drenthe_people
from tests.support.redis_server import RedisServer


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(str(tmp_path))
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_letter_appears_after_redis_comes_back(other_app, redis_server, smtp_server):
    app = other_app(REDIS_URL=redis_server.url)
    with rollback_session(app) as session, app.app_context():
        users = drenthe_people("a", "b")
        a, b = users["a"], users["b"]
        claim = assessed_claim(session, users["farmer"], a, users["assessor"])
        proposal = decisions.propose_decision(claim, a)
        session.commit()

        redis_server.stop()
        decision = decisions.approve_proposal(proposal, b)
        session.commit()  # the decision is stored although Redis is down
        letter_id = session.scalar(select(Letter.id).where(Letter.decision_id == decision.id))
        job_id = f"letter-{letter_id}-v1"
        assert session.get(JobRecord, job_id).status == JobStatus.PENDING
        assert (
            session.scalar(select(Letter).where(Letter.decision_id == decision.id)).status
            == LetterStatus.PENDING
        )

        redis_server.start()
        assert jobs.sweep() >= 1
        connection = Redis.from_url(redis_server.url)
        SimpleWorker(list(QUEUES), connection=connection).work(burst=True)
        connection.close()
        session.expire_all()
        letter = session.scalar(select(Letter).where(Letter.kind == LetterKind.DECISION))
        assert letter.status == LetterStatus.READY and letter.sha256
        assert session.get(JobRecord, job_id).status == JobStatus.FINISHED


def test_jobs_redis_forgot_in_a_restart_are_handed_over_again(other_app, redis_server):
    """Redis keeps nothing on disk: after a restart it has lost every queued job."""
    app = other_app(REDIS_URL=redis_server.url)
    with rollback_session(app) as session, app.app_context():
        users = drenthe_people("a", "b")
        a, b = users["a"], users["b"]
        claim = assessed_claim(session, users["farmer"], a, users["assessor"])
        decision = decisions.approve_proposal(decisions.propose_decision(claim, a), b)
        session.commit()
        letter_id = session.scalar(select(Letter.id).where(Letter.decision_id == decision.id))
        job_id = f"letter-{letter_id}-v1"
        assert session.get(JobRecord, job_id).status == JobStatus.QUEUED

        redis_server.stop()
        redis_server.start()  # empty again
        record = session.get(JobRecord, job_id)
        record.enqueued_at -= timedelta(minutes=2)  # long enough ago to be missed, not in flight
        session.commit()
        assert jobs.sweep() >= 1
        connection = Redis.from_url(redis_server.url)
        SimpleWorker(list(QUEUES), connection=connection).work(burst=True)
        connection.close()
        session.expire_all()
        assert session.get(Letter, letter_id).status == LetterStatus.READY
        assert session.get(JobRecord, job_id).status == JobStatus.FINISHED
