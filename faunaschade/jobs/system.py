"""Housekeeping jobs and the sweep every worker runs."""

from __future__ import annotations

import logging
from collections.abc import Callable

from faunaschade.audit import chain as audit
from faunaschade.extensions import db
from faunaschade.jobs import core
from faunaschade.jobs.core import job

log = logging.getLogger(__name__)
#: Sweeps of the domain packages, by name; each registers itself when its package is imported
#: (events.delivery: streams whose next attempt is due). They run before the jobs' own sweep.
SWEEPS: dict[str, Callable[[], object]] = {}


@job("system.verify_audit_chain", queue="default", timeout=1800, retries=1)
def verify_audit_chain() -> None:
    """Verify the audit chain and record the outcome in the chain itself."""
    report = audit.verify()
    audit.record(
        "audit.verified",
        data={"checked": report.checked, "intact": report.intact, "problems": report.problems[:20]},
    )


def sweep() -> int:
    """Hand over pending jobs (jobs.core.sweep) and seal audit events that a process left
    unsealed (it died between its commit and its seal); returns the jobs handed over."""
    for name, extra in SWEEPS.items():
        try:
            extra()
        except Exception:  # one package's sweep failing never stops the others
            db.session.rollback()
            log.exception("the %s sweep failed", name)
    handed = core.sweep()
    audit.seal()
    return handed
