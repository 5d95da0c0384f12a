"""Redis stopped at the moment of approval: the letter job waits in the database, then runs."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from redis import Redis
from rq import SimpleWorker
from sqlalchemy import select

from faunaschade import jobs
from faunaschade.jobs.core import QUEUES
from faunaschade.models import (
    FarmerProfile,
    JobRecord,
    JobStatus,
    Letter,
    LetterKind,
    LetterStatus,
    Role,
)
from faunaschade.services import decisions
from faunaschade.services.users import create_user
from tests.conftest import DEMO_PASSWORD, rollback_session
from tests.decision_helpers import assessed_claim
from tests.private_redis import RedisServer


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(str(tmp_path))
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def _user(session, name: str, role: Role, provinces=()):
    user = create_user(f"{name}@example.nl", DEMO_PASSWORD, role, provinces)
    if role == Role.FARMER:
        session.add(
            FarmerProfile(
                user_id=user.id,
                name="Boer",
                kvk="01234567",
                iban="NL91ABNA0417164300",
                address="Dijk 1",
                postcode="9401 AA",
                city="Assen",
            )
        )
    return user


def test_letter_appears_after_redis_comes_back(other_app, redis_server, smtp_server):
    app = other_app(REDIS_URL=redis_server.url)
    with rollback_session(app) as session, app.app_context():
        farmer = _user(session, "farmer", Role.FARMER)
        a = _user(session, "a", Role.OFFICER, ("DR",))
        b = _user(session, "b", Role.OFFICER, ("DR",))
        claim = assessed_claim(session, farmer, a, _user(session, "assessor", Role.ASSESSOR))
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
        farmer = _user(session, "farmer", Role.FARMER)
        a = _user(session, "a", Role.OFFICER, ("DR",))
        b = _user(session, "b", Role.OFFICER, ("DR",))
        claim = assessed_claim(session, farmer, a, _user(session, "assessor", Role.ASSESSOR))
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
