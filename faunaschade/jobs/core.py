"""rq plumbing in one place: registry, queues, enqueue-after-commit, dispatch, execution, sweep.

A job is first a `jobs` row written in the caller's transaction; only after that transaction
commits is it handed to Redis (or run in-process when no Redis is configured). If Redis is
down the row stays `pending` and `sweep()` hands it over later, so a committed job is never lost.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_app_context, has_request_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job
from rq.job import Job
from rq.job import JobStatus as RqStatus
from rq.registry import StartedJobRegistry
from sqlalchemy import Engine, event, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from faunaschade.extensions import db
from faunaschade.models.base import utcnow
from faunaschade.models.jobs import JobRecord, JobStatus

log = logging.getLogger(__name__)

#: Queue names, most urgent first (a worker listens to them in this order). "checks" holds the
#: public letter check's work: anyone may ask for it, so it never goes before the service's own.
QUEUES = ("high", "letters", "default", "checks")
_PENDING_KEY = "jobs_after_commit"
#: What rq calls for each job: the worker command's entry, which makes sure an app exists.
JOB_ENTRY = "faunaschade.cli.worker.run_job"
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,120}")
_EXTENSION = "faunaschade.jobs"


@dataclass(frozen=True)
class JobSpec:
    """How a registered job runs."""

    #: Registered name, e.g. "letters.render".
    name: str
    #: The function; takes keyword arguments that are ids.
    func: Callable[..., Any]
    #: Queue it goes to.
    queue: str
    #: Seconds before rq kills it.
    timeout: int
    #: Retries after the first failure.
    retries: int
    #: Without Redis: run in a short-lived thread of the web process, not inside the request
    #: (work that waits on another system, such as an event delivery's POST).
    background: bool = False


REGISTRY: dict[str, JobSpec] = {}


def job(
    name: str,
    *,
    queue: str = "default",
    timeout: int = 300,
    retries: int = 3,
    background: bool = False,
):
    """Register a function as a background job under `name` (`background`: in-process, it
    runs in a thread of its own instead of in the request that committed it)."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY[name] = JobSpec(name, func, queue, timeout, retries, background)
        return func

    return register


def enqueue(name: str, job_id: str, **kwargs: Any) -> JobRecord:
    """Record the job in the current transaction; it is dispatched after commit, once."""
    spec = REGISTRY[name]
    if not _JOB_ID.fullmatch(job_id):
        raise ValueError(f"job id {job_id!r}: use letters, digits, '_' and '-' (rq's rule)")
    session = db.session()
    existing = session.get(JobRecord, job_id)
    if existing is not None:
        return existing
    record = JobRecord(id=job_id, name=name, kwargs=kwargs, queue=spec.queue)
    session.add(record)
    session.flush()
    session.info.setdefault(_PENDING_KEY, []).append(job_id)
    return record


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # A savepoint was released (a letter's insert): the jobs' rows are not committed yet.
        return
    job_ids = session.info.pop(_PENDING_KEY, [])
    if not job_ids or not has_app_context():
        return
    try:
        dispatcher(current_app).dispatch(job_ids, session.get_bind())
    except SQLAlchemyError as exc:
        # The caller's work is committed: raising now would report it as failed. The rows
        # stay `pending` and a worker's sweep hands them over once the database is back.
        log.warning("database unavailable, jobs %s stay pending: %s", job_ids, type(exc).__name__)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


class RqDispatcher:
    """Hands committed jobs to rq; leaves them pending when Redis is down."""

    def __init__(self, redis: Redis, retry_intervals: list[int]) -> None:
        self.redis = redis
        self.retry_intervals = retry_intervals

    def queue(self, name: str) -> Queue:
        return Queue(name, connection=self.redis)

    def dispatch(self, job_ids: list[str], bind: Any) -> None:
        for job_id in job_ids:
            self.push(job_id, bind)

    def push(self, job_id: str, bind: Any) -> bool:
        # Claim the row first so two sweepers never enqueue the same job twice.
        with _connection(bind) as conn:
            claimed = conn.execute(
                update(JobRecord)
                .where(JobRecord.id == job_id, JobRecord.status == JobStatus.PENDING)
                .values(status=JobStatus.QUEUED, enqueued_at=utcnow())
            ).rowcount
            record = conn.execute(select(JobRecord).where(JobRecord.id == job_id)).first()
        if not claimed or record is None:
            return False
        spec = REGISTRY[record.name]
        try:
            self.queue(spec.queue).enqueue_call(
                JOB_ENTRY,
                args=(job_id,),
                job_id=job_id,
                timeout=spec.timeout,
                retry=Retry(max=spec.retries, interval=self.retry_intervals)
                if spec.retries
                else None,
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
            )
        except RedisError as exc:
            log.warning("redis unavailable, job %s stays pending: %s", job_id, exc)
            with _connection(bind) as conn:
                conn.execute(
                    update(JobRecord)
                    .where(JobRecord.id == job_id)
                    .values(status=JobStatus.PENDING, enqueued_at=None)
                )
            return False
        return True


class InProcessDispatcher:
    """No Redis: run each committed job right away in its own app context; a `background`
    job in a short-lived thread, so that the request does not wait for it."""

    def dispatch(self, job_ids: list[str], bind: Any) -> None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with _connection(bind) as conn:
            found = conn.execute(
                select(JobRecord.id, JobRecord.name).where(JobRecord.id.in_(job_ids))
            ).all()
        names = {job_id: name for job_id, name in found}
        # Only a request hands work to a thread: a command (flask jobs sweep) would end, and
        # its daemon thread with it, before the work is done.
        later = [
            i
            for i in job_ids
            if has_request_context() and i in names and REGISTRY[names[i]].background
        ]
        self.run([i for i in job_ids if i not in later], app)
        if later:
            thread = threading.Thread(
                target=self.run, args=(later, app), name="in-process-jobs", daemon=True
            )
            thread.start()
            _threads.add(thread)

    @staticmethod
    def run(job_ids: list[str], app: Flask) -> None:
        for job_id in job_ids:
            try:
                execute(job_id, app)
            except Exception:  # the job row records the failure; the request goes on
                log.exception("in-process job %s failed", job_id)


#: The in-process dispatcher's threads that are still running (tests wait for them).
_threads: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def wait_for_background_jobs(timeout: float = 30) -> None:
    """Wait until the in-process dispatcher's background threads have finished."""
    for thread in list(_threads):
        thread.join(timeout)


class _connection:
    """A connection for bookkeeping: the test's shared connection, or a fresh transaction."""

    def __init__(self, bind: Any) -> None:
        self.bind = bind
        self._ctx: Any = None

    def __enter__(self):
        if hasattr(self.bind, "begin") and hasattr(self.bind, "connect"):
            self._ctx = self.bind.begin()
            return self._ctx.__enter__()
        return self.bind

    def __exit__(self, *exc: Any) -> None:
        if self._ctx is not None:
            self._ctx.__exit__(*exc)


def init_app(app: Flask) -> None:
    """Pick the dispatcher: rq when REDIS_URL is set, in-process otherwise."""
    with app.app_context():
        _engines.update(db.engines.values())
    if app.config.get("JOBS_IN_PROCESS") or not app.config.get("REDIS_URL"):
        app.extensions[_EXTENSION] = InProcessDispatcher()
    else:
        redis = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
        intervals = app.config["JOB_RETRY_INTERVALS"]
        app.extensions[_EXTENSION] = RqDispatcher(redis, intervals)


def dispatcher(app: Flask) -> RqDispatcher | InProcessDispatcher:
    """The app's dispatcher."""
    return app.extensions[_EXTENSION]


_app_for_worker: Flask | None = None
#: Every app's engine, so that a forked child can drop the pools it inherited.
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


#: Held by a process's background threads (the worker's sweep and audit sealer) while they
#: talk to the database, and by os.fork() while it forks: a child never starts with a
#: connection that a thread of its parent was using, or with a session that holds one.
_fork_guard = threading.RLock()
_FORK_GUARD_TIMEOUT = 30.0
_guard_held = threading.local()
#: Sessions a forked child inherited: kept, never closed or collected, since closing them
#: would roll back (or end) the parent's database session over the shared socket.
_inherited_sessions: list[Any] = []


@contextmanager
def background_work() -> Iterator[None]:
    """Database work of a background thread, kept out of the way of a fork."""
    with _fork_guard:
        yield


def _before_fork() -> None:
    # A fork waits (briefly) for background database work to finish; if that hangs on a dead
    # server, fork anyway: the child opens its own connections all the same.
    _guard_held.value = _fork_guard.acquire(timeout=_FORK_GUARD_TIMEOUT)


def _after_fork_in_parent() -> None:
    if getattr(_guard_held, "value", False):
        _guard_held.value = False
        _fork_guard.release()


def _fresh_pools_in_child() -> None:
    # Runs in every forked child (rq's work-horse and scheduler, a gunicorn worker): the pooled
    # sockets are the parent's, and two processes on one PostgreSQL session commit or roll
    # back each other's work. close=False leaves them open for the parent; the child opens its
    # own. The scoped sessions of the parent's threads go too (kept, never closed).
    global _fork_guard
    _fork_guard = threading.RLock()
    _guard_held.value = False
    for engine in list(_engines):
        engine.dispose(close=False)
    sessions = db.session.registry.registry
    if isinstance(sessions, dict):
        _inherited_sessions.append(dict(sessions))
        sessions.clear()


os.register_at_fork(
    before=_before_fork,
    after_in_parent=_after_fork_in_parent,
    after_in_child=_fresh_pools_in_child,
)


def set_worker_app(app: Flask) -> None:
    """The app jobs run in when no app context is active (worker processes, tests)."""
    global _app_for_worker
    _app_for_worker = app


def has_worker_app() -> bool:
    """True once set_worker_app() was called in this process (or its parent, before a fork)."""
    return _app_for_worker is not None


def _worker_app() -> Flask:
    if _app_for_worker is not None:
        return _app_for_worker
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    # Building the app here would make the job plumbing import every page and endpoint;
    # rq reaches us through JOB_ENTRY, which builds it first.
    raise RuntimeError(f"no app to run the job in: rq must call {JOB_ENTRY}")


def execute(job_id: str, app: Flask | None = None) -> None:
    """Run one job by id (the rq entry point): reload, mark, call, mark; idempotent."""
    app = app or _worker_app()
    with app.app_context():
        record = db.session.get(JobRecord, job_id)
        if record is None:
            raise LookupError(f"job {job_id} has no database record")
        if record.status == JobStatus.FINISHED:
            return
        record.status, record.started_at = JobStatus.STARTED, utcnow()
        record.attempts += 1
        db.session.commit()
        try:
            REGISTRY[record.name].func(**record.kwargs)
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            _mark_failed(job_id, exc)
            raise
        record = db.session.get(JobRecord, job_id)
        record.status, record.finished_at, record.error = JobStatus.FINISHED, utcnow(), None
        db.session.commit()


def _mark_failed(job_id: str, exc: Exception) -> None:
    current = get_current_job()
    will_retry = current is not None and bool(current.retries_left)
    record = db.session.get(JobRecord, job_id)
    record.status = JobStatus.QUEUED if will_retry else JobStatus.FAILED
    record.error = f"{type(exc).__name__}: {exc}"[:2000]
    if not will_retry:
        record.finished_at = utcnow()
    db.session.commit()


def sweep(stale_after: timedelta = timedelta(minutes=30)) -> int:
    """Hand over jobs left pending (Redis was down), lost by Redis, or whose worker died."""
    disp = dispatcher(current_app)
    if isinstance(disp, RqDispatcher):
        _recover_lost(disp)
    stale = utcnow() - stale_after
    db.session.execute(
        update(JobRecord)
        .where(JobRecord.status == JobStatus.STARTED, JobRecord.started_at < stale)
        .values(status=JobStatus.PENDING)
    )
    job_ids = list(
        db.session.scalars(
            select(JobRecord.id)
            .where(JobRecord.status == JobStatus.PENDING)
            .order_by(JobRecord.created_at)
        )
    )
    db.session.commit()
    if not job_ids:
        return 0
    if isinstance(disp, RqDispatcher):
        return sum(disp.push(job_id, db.session.get_bind()) for job_id in job_ids)
    disp.dispatch(job_ids, db.session.get_bind())
    return len(job_ids)


#: How long a row may say queued or started while Redis knows nothing of the job (the moment
#: between our UPDATE and rq's enqueue, a horse that has only just started).
LOST_AFTER = timedelta(seconds=60)


def _recover_lost(disp: RqDispatcher) -> None:
    # A worker killed outright (SIGKILL, the machine gone) leaves its job in rq's started
    # registry until the heartbeat expires (JOB_MONITORING_INTERVAL + 60 s); rq's own cleanup
    # of it runs only every 10 minutes. cleanup() retries the job now (or fails it).
    for name in QUEUES:
        StartedJobRegistry(name, connection=disp.redis).cleanup()
    records = db.session.scalars(
        select(JobRecord).where(JobRecord.status.in_([JobStatus.QUEUED, JobStatus.STARTED]))
    ).all()
    if not records:
        return
    lost_before = utcnow() - LOST_AFTER
    found = Job.fetch_many([r.id for r in records], connection=disp.redis)
    for record, rq_job in zip(records, found, strict=True):
        since = record.started_at if record.status == JobStatus.STARTED else record.enqueued_at
        if rq_job is None:
            # Redis lost it (restarted without persistence, flushed): hand it over again.
            if since is None or since < lost_before:
                record.status, record.enqueued_at = JobStatus.PENDING, None
            continue
        rq_status = rq_job.get_status(refresh=False)
        if record.status == JobStatus.STARTED and rq_status == RqStatus.FAILED:
            record.status, record.finished_at = JobStatus.FAILED, utcnow()
            record.error = record.error or "the worker died while running it (AbandonedJobError)"
        elif record.status == JobStatus.STARTED and rq_status in _WAITING:
            record.status = JobStatus.QUEUED  # rq retries it: waiting again, not running
    db.session.commit()


_WAITING = (RqStatus.QUEUED, RqStatus.SCHEDULED, RqStatus.DEFERRED)
