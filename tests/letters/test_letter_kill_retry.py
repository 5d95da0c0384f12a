"""A real `flask worker` killed with SIGKILL mid-letter: the job is retried, still one letter."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from faunaschade.decisions import operations as decisions
from faunaschade.extensions import db
from faunaschade.models import (
    AuditEvent,
    JobRecord,
    JobStatus,
    Letter,
    LetterKind,
    LetterStatus,
    StoredFile,
)
from tests.support.app import ROOT
from tests.support.decisions import assessed_claim, drenthe_people
from tests.support.production import wait_for


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _decision_with_letter_job(app) -> str:
    with app.app_context():
        users = drenthe_people("a", "b")
        claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        proposal = decisions.propose_decision(claim, users["a"])
        db.session.commit()
        decision = decisions.approve_proposal(proposal, users["b"])
        db.session.commit()  # the letter job goes to Redis now
        letter = db.session.scalar(select(Letter).where(Letter.decision_id == decision.id))
        return f"letter-{letter.id}-v1"


def test_worker_killed_mid_letter_retries_into_exactly_one_letter(
    committed, redis_conn, database_url, redis_url
):
    job_id = _decision_with_letter_job(committed)
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LETTER_FAULT_PAUSE_SECONDS": "2",
        "JOB_RETRY_INTERVALS": "0",
        "MAIL_PORT": "1",
    }
    flask = str(Path(sys.executable).parent / "flask")
    worker = subprocess.Popen(
        [flask, "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:

        def started() -> bool:
            with committed.app_context():
                record = db.session.get(JobRecord, job_id)
                db.session.remove()
                return record is not None and record.status == JobStatus.STARTED

        wait_for(started, 60, "the letter job to start")
        time.sleep(0.8)  # the horse is now inside the letter's transaction (paused)
        horses = wait_for(lambda: _children(worker.pid), 10, "the work-horse")
        for horse in horses:
            os.kill(horse, signal.SIGKILL)

        def ready() -> bool:
            with committed.app_context():
                letter = db.session.scalar(select(Letter).where(Letter.kind == LetterKind.DECISION))
                db.session.remove()
                return letter is not None and letter.status == LetterStatus.READY

        wait_for(ready, 90, "the retried letter")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
    with committed.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Letter).where(Letter.kind == LetterKind.DECISION)
            )
            == 1
        )
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(StoredFile)
                .where(StoredFile.content_type == "application/pdf")
            )
            == 1
        )
        stored_events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "letter.stored")
        ).all()
        assert len(stored_events) == 1
        record = db.session.get(JobRecord, job_id)
        assert record.status == JobStatus.FINISHED and record.attempts >= 2


pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
