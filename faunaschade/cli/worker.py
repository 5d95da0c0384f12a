"""flask worker (rq with the app context) and flask jobs sweep."""

from __future__ import annotations

import gc
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from redis.exceptions import RedisError
from rq import Worker

from faunaschade import create_app, rules
from faunaschade import jobs as jobs_module
from faunaschade.audit import chain as audit_chain
from faunaschade.audit import checkpoints as audit_checkpoints
from faunaschade.documents import samples as documents_samples
from faunaschade.extensions import db
from faunaschade.jobs.core import (
    QUEUES,
    RqDispatcher,
    background_work,
    dispatcher,
    execute,
    has_worker_app,
    set_worker_app,
)
from faunaschade.letters import rendering as letter_rendering
from faunaschade.models.base import utcnow
from faunaschade.statistics import releases as open_data_releases


def run_job(job_id: str) -> None:
    """What rq calls for a job (jobs.core.JOB_ENTRY): in the app of `flask worker`, or, under a
    plain `rq worker`, in one built here once per process."""
    if not has_worker_app():
        set_worker_app(create_app())
    execute(job_id)


def _sweep_forever(app, interval: int, stop: threading.Event) -> None:
    # Re-hand jobs that were committed while Redis was down; every worker does this.
    while not stop.wait(interval):
        with background_work(), app.app_context():
            try:
                jobs_module.sweep()
            except Exception:  # keep sweeping; the next round tries again
                app.logger.exception("job sweep failed")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--sweep-interval", default=30, show_default=True, help="Seconds between sweeps.")
@with_appcontext
def worker(burst: bool, sweep_interval: int) -> None:
    """Run an rq worker on every queue, with the app context and the pending-job sweep."""
    disp = dispatcher(current_app)
    if not isinstance(disp, RqDispatcher):
        raise click.UsageError("REDIS_URL is not set: jobs run in-process, no worker needed.")
    set_worker_app(current_app._get_current_object())
    # What every forked job would set up cold (WeasyPrint, fonts, templates) is set up once here.
    documents_samples.warm_up()
    # And the shipped rule sets, which every decision letter reads (its rule set's version):
    # read here once instead of in each work-horse (about 12 ms of CPU per letter).
    rules.rule_sets()
    # And the statements a letter job sends, compiled once here (SQLAlchemy's cache).
    letter_rendering.warm_up()
    swept = jobs_module.sweep()
    # What exists now lasts the worker's life: out of the collector's sight, so that a child's
    # collections don't touch (and so copy) every page it shares with this parent.
    gc.collect()
    gc.freeze()
    try:
        open_data_releases.check_interval(current_app.config["OPEN_DATA_RELEASE_INTERVAL"])
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"worker starting on {', '.join(QUEUES)}; {swept} pending job(s) handed over")
    stop = threading.Event()
    app = current_app._get_current_object()
    sweeper = threading.Thread(target=_sweep_forever, args=(app, sweep_interval, stop), daemon=True)
    sweeper.start()
    # Production leaves sealing the audit chain to the workers (AUDIT_SEALER=worker).
    sealer = threading.Thread(
        target=audit_chain.seal_continuously, args=(app, stop, background_work), daemon=True
    )
    sealer.start()
    # And publishes a signed checkpoint of the chain's head every so often (one worker at a time).
    threading.Thread(
        target=audit_checkpoints.checkpoint_continuously,
        args=(app, stop, background_work),
        daemon=True,
    ).start()
    # And cuts a release of the open data each OPEN_DATA_RELEASE_INTERVAL (one at a time).
    threading.Thread(
        target=open_data_releases.release_continuously,
        args=(app, stop, background_work),
        daemon=True,
    ).start()
    try:
        _work_through_outages(disp, burst)
    finally:
        stop.set()


def _work_through_outages(disp: RqDispatcher, burst: bool) -> None:
    # rq waits out a Redis outage only while it is idle; one that starts mid-job ends work()
    # with a ConnectionError. Start a fresh rq worker once Redis answers again: the job that
    # was running is finished in the database, and the sweep hands over what Redis lost.
    pause = 1.0
    while True:
        try:
            Worker(
                [disp.queue(name) for name in QUEUES],
                connection=disp.redis,
                job_monitoring_interval=current_app.config["JOB_MONITORING_INTERVAL"],
            ).work(burst=burst, with_scheduler=True)
            return  # a warm shutdown (SIGTERM) or, with --burst, empty queues
        except RedisError as exc:
            click.echo(f"Redis unavailable ({type(exc).__name__}); retrying in {pause:.0f} s")
            time.sleep(pause)
            pause = min(pause * 2, 30)


jobs = AppGroup("jobs", help="Background jobs.")


@jobs.command("sweep")
def sweep() -> None:
    """Hand pending jobs (recorded while Redis was down) to the queue now."""
    click.echo(f"{jobs_module.sweep()} job(s) handed over")


@jobs.command("verify-audit")
def verify_audit() -> None:
    """Enqueue the audit-chain verification job."""

    record = jobs_module.enqueue(
        "system.verify_audit_chain", f"audit-verify-{utcnow():%Y%m%dT%H%M%S}"
    )
    db.session.commit()
    click.echo(f"enqueued {record.id}")
