"""flask audit verify | seal."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from faunaschade.audit import chain as audit_service

audit = AppGroup("audit", help="The audit log.")


@audit.command("verify")
def verify() -> None:
    """Check the hash chain; exit 1 when an event was edited, inserted or deleted."""
    report = audit_service.verify()
    for problem in report.problems:
        click.echo(f"BROKEN: {problem}", err=True)
    if not report.intact:
        click.echo(
            f"audit chain BROKEN: {len(report.problems)} problem(s) in {report.checked} events",
            err=True,
        )
        raise SystemExit(1)
    seq, digest = report.head
    waiting = f"; {report.unsealed} awaiting their seal" if report.unsealed else ""
    click.echo(
        f"audit chain intact: {report.checked} events; head seq {seq} hash {digest}{waiting}"
    )


@audit.command("seal")
def seal() -> None:
    """Seal committed events into the chain now (the worker's sweep does this too)."""
    click.echo(f"{audit_service.seal()} event(s) sealed")
