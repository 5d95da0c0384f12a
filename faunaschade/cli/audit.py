"""flask audit verify [--against CHECKPOINT] | seal | checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from faunaschade.audit import chain as audit_service
from faunaschade.audit import checkpoints
from faunaschade.extensions import db
from faunaschade.models import AuditCheckpoint

audit = AppGroup("audit", help="The audit log.")


def _checkpoint(against: str) -> dict:
    """A published checkpoint: a JSON file ("-": standard input), or a checkpoint row's id."""
    if against == "-":
        text = click.get_text_stream("stdin").read()
    elif against.isdigit() and not Path(against).exists():
        row = db.session.get(AuditCheckpoint, int(against))
        if row is None:
            raise click.UsageError(f"no checkpoint with id {against} (give a JSON file?)")
        return checkpoints.published(row)
    else:
        try:
            text = Path(against).read_text(encoding="utf-8")
        except OSError as exc:
            raise click.UsageError(f"cannot read {against}: {exc.strerror}") from None
    try:
        return checkpoints.load_published(text)
    except ValueError as exc:
        raise click.UsageError(f"{against} is not a published checkpoint: {exc}") from None


@audit.command("verify")
@click.option(
    "--against",
    metavar="CHECKPOINT",
    help="A published checkpoint (JSON file, '-' for standard input, or a checkpoint's id): "
    "also fail when the chain no longer reaches it (newest events deleted).",
)
def verify(against: str | None) -> None:
    """Check the hash chain; exit 1 when an event was edited, inserted or deleted."""
    if against is not None:
        _verify_against(_checkpoint(against))
        return
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


def _verify_against(checkpoint: dict) -> None:
    problems, (seq, digest) = checkpoints.check_against(checkpoint)
    for problem in problems:
        click.echo(f"BROKEN: {problem}", err=True)
    where = f"checkpoint seq {checkpoint['seq']} of {checkpoint['created_at']}"
    if problems:
        click.echo(f"audit chain BROKEN against {where}: {len(problems)} problem(s)", err=True)
        raise SystemExit(1)
    click.echo(f"audit chain intact and reaches {where}; head seq {seq} hash {digest}")


@audit.command("seal")
def seal() -> None:
    """Seal committed events into the chain now (the worker's sweep does this too)."""
    click.echo(f"{audit_service.seal()} event(s) sealed")


@audit.command("checkpoint")
def checkpoint() -> None:
    """Sign the chain's head now and print the published checkpoint (JSON); keep it elsewhere."""
    try:
        written, new = checkpoints.write_checkpoint()
    except checkpoints.CheckpointRefused as exc:
        db.session.rollback()
        click.echo(f"error: checkpoint refused: {exc}", err=True)
        raise SystemExit(1) from None
    if written is None:
        db.session.rollback()
        click.echo("error: another process is writing a checkpoint; try again", err=True)
        raise SystemExit(1)
    db.session.commit()
    if not new:
        click.echo("the head has not moved since this checkpoint:", err=True)
    click.echo(json.dumps(checkpoints.published(written), indent=2, sort_keys=True))
