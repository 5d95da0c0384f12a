"""GET /healthz: database, Redis and queue status."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, jsonify
from redis.exceptions import RedisError
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from faunaschade.audit import chain as audit_chain
from faunaschade.extensions import db
from faunaschade.jobs.core import QUEUES, RqDispatcher, dispatcher
from faunaschade.models import JobRecord, JobStatus
from faunaschade.models.base import utcnow

bp = Blueprint("health", __name__)
#: A job queued or started this long ago without finishing is reported as stalled.
STALLED = timedelta(minutes=10)


def _database() -> dict[str, Any]:
    try:
        db.session.execute(text("SELECT 1"))
        counts = dict(
            db.session.execute(
                select(JobRecord.status, func.count())
                .where(JobRecord.status != JobStatus.FINISHED)
                .group_by(JobRecord.status)
            ).all()
        )
        stalled = db.session.scalar(
            select(func.count())
            .select_from(JobRecord)
            .where(
                JobRecord.status.in_([JobStatus.QUEUED, JobStatus.STARTED]),
                func.coalesce(JobRecord.started_at, JobRecord.enqueued_at) < utcnow() - STALLED,
            )
        )
    except SQLAlchemyError as exc:
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}
    return {
        "ok": True,
        "dialect": db.engine.dialect.name,
        "jobs_pending": counts.get(JobStatus.PENDING, 0),
        "jobs_queued": counts.get(JobStatus.QUEUED, 0),
        "jobs_started": counts.get(JobStatus.STARTED, 0),
        "jobs_failed": counts.get(JobStatus.FAILED, 0),
        # Waiting or running for longer than any job takes: no worker is getting to them.
        "jobs_stalled": stalled,
    }


def _audit() -> dict[str, Any]:
    try:
        waiting = audit_chain.pending()
    except SQLAlchemyError as exc:
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}
    lag = round(waiting.lag_seconds, 3)
    return {
        # Behind: events are committed but not sealed into the chain (audit.chain.seal).
        "ok": lag <= current_app.config["AUDIT_SEAL_MAX_LAG_SECONDS"],
        "unsealed": waiting.count,
        "seal_lag_seconds": lag,
    }


def _redis() -> dict[str, Any]:
    disp = dispatcher(current_app)
    if not isinstance(disp, RqDispatcher):
        return {"ok": True, "mode": "in-process (no REDIS_URL)"}
    try:
        disp.redis.ping()
        lengths = {name: len(disp.queue(name)) for name in QUEUES}
    except RedisError as exc:
        return {"ok": False, "mode": "rq", "error": type(exc).__name__}
    return {"ok": True, "mode": "rq", "queues": lengths}


@bp.route("/healthz")
def healthz():
    """200 when the database and the job queue can be reached, 503 otherwise; the audit seal's
    lag is reported beside them (a seal behind does not make the service unavailable)."""
    database, redis = _database(), _redis()
    ok = database["ok"] and redis["ok"]
    body = {
        "status": "ok" if ok else "unavailable",
        "database": database,
        "queue": redis,
        "audit": _audit() if database["ok"] else {"ok": False},
    }
    return jsonify(body), 200 if ok else 503
