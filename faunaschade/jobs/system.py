"""Housekeeping jobs and the sweep every worker runs."""

from __future__ import annotations

from faunaschade.audit import chain as audit
from faunaschade.jobs import core
from faunaschade.jobs.core import job


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
    handed = core.sweep()
    audit.seal()
    return handed
