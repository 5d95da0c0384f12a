"""The public letter check, asynchronously: an upload gets a token, the worker checks it.

pyHanko's check costs a second or more (a child process), up to its 40-second timeout for a
hostile PDF, so no request waits for it. `start_check` gives every upload an unguessable token;
it answers at once when the upload is byte for byte a letter we stored, and otherwise stores
the upload and queues `letters.check` on the lowest queue ("checks": anyone may ask, so it
never goes before the service's own work). The page and the API poll `answer(token)`. The
upload is emptied as soon as it is checked (the page promises the file is not kept); the
check itself is purged by the sweep after LETTER_CHECK_KEEP_SECONDS. A check changes nothing
of a claim or of money and anyone may make one, so it writes no audit event (which would let
anyone grow the chain).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from faunaschade.extensions import db
from faunaschade.jobs import system
from faunaschade.jobs.core import enqueue, job
from faunaschade.letters import verification
from faunaschade.letters.verification import Verdict
from faunaschade.models import JobRecord, JobStatus, LetterCheck, LetterCheckStatus
from faunaschade.models.base import utcnow
from faunaschade.models.letter_checks import LETTER_CHECK_LIFECYCLE

log = logging.getLogger(__name__)

CHECK_JOB = "letters.check"
#: What secrets.token_urlsafe(32) gives (43 characters); the column allows 64.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class CheckAnswer:
    """Where a check stands (under its token): pending, done (with the verdict) or failed (the
    check broke, not the file: try again)."""

    token: str
    status: str
    verdict: Verdict | None


def _job_id(check_id: int) -> str:
    return f"letter-check-{check_id}"


def start_check(data: bytes | None) -> CheckAnswer:
    """Check an upload: done at once when it is a stored letter, else queued for the worker;
    either way under a new token. ValidationFailed naming `file` for no file, a file too
    large, or one that is no PDF."""
    pdf = verification.check_upload(data)
    check = LetterCheck(
        token=secrets.token_urlsafe(32),
        sha256=hashlib.sha256(pdf).hexdigest(),
        status=LetterCheckStatus.PENDING,
    )
    verdict = verification.stored_verdict(pdf)
    if verdict is not None:
        check.result, check.checked_at = verdict.to_json(), utcnow()
        LETTER_CHECK_LIFECYCLE.transition(check, LetterCheckStatus.DONE)
    else:
        check.pdf = pdf
    db.session.add(check)
    db.session.flush()
    if verdict is None:
        enqueue(CHECK_JOB, _job_id(check.id), check_id=check.id)
    return CheckAnswer(check.token, check.status.value, verdict)


def answer(token: str) -> CheckAnswer | None:
    """The check with this token, or None (unknown, purged, or no token of ours at all)."""
    if not _TOKEN.fullmatch(token):
        return None  # also keeps a NUL byte, which PostgreSQL refuses, out of the query
    check = db.session.scalar(select(LetterCheck).where(LetterCheck.token == token))
    if check is None:
        return None
    if check.status == LetterCheckStatus.DONE and check.result is not None:
        return CheckAnswer(token, check.status.value, Verdict.from_json(check.result))
    status = check.status.value
    if check.status == LetterCheckStatus.PENDING:
        # A worker that died with it: rq gave up on the job, which our row tells.
        job_status = db.session.scalar(
            select(JobRecord.status).where(JobRecord.id == _job_id(check.id))
        )
        if job_status == JobStatus.FAILED:
            status = LetterCheckStatus.FAILED.value
    return CheckAnswer(token, status, None)


@job(CHECK_JOB, queue="checks", timeout=120, retries=0, background=True)
def run_check(check_id: int) -> None:
    """Check one upload's signatures (pyHanko in a child process) and keep only the verdict."""
    check = db.session.get(LetterCheck, check_id)
    if check is None or check.status != LetterCheckStatus.PENDING:
        return  # purged meanwhile, or checked already
    try:
        verdict = verification.verdict_for(check.pdf or b"")
    except Exception:
        _mark_failed(check_id)
        raise
    check.result = verdict.to_json()
    check.pdf, check.checked_at = None, utcnow()
    LETTER_CHECK_LIFECYCLE.transition(check, LetterCheckStatus.DONE)


def _mark_failed(check_id: int) -> None:
    # Its own short transaction, so that the page says "try again" instead of waiting.
    db.session.rollback()
    try:
        db.session.execute(
            LETTER_CHECK_LIFECYCLE.update(
                LetterCheckStatus.FAILED, LetterCheck.id == check_id, pdf=None
            )
        )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not mark letter check %s failed", check_id, exc_info=True)


def purge() -> int:
    """Delete checks (and their job rows) older than LETTER_CHECK_KEEP_SECONDS; how many."""
    keep = timedelta(seconds=current_app.config["LETTER_CHECK_KEEP_SECONDS"])
    before = utcnow() - keep
    old = list(db.session.scalars(select(LetterCheck.id).where(LetterCheck.created_at < before)))
    if old:
        db.session.execute(
            delete(JobRecord).where(
                JobRecord.id.in_([_job_id(i) for i in old]),
                JobRecord.status.in_([JobStatus.FINISHED, JobStatus.FAILED]),
            )
        )
        db.session.execute(delete(LetterCheck).where(LetterCheck.id.in_(old)))
    db.session.commit()
    return len(old)


system.SWEEPS["letter_checks"] = purge
