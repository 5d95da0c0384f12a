"""flask letters regenerate ID | signing-certificate."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from faunaschade.documents.signing import SigningUnavailable, current_signer
from faunaschade.errors import Conflict
from faunaschade.extensions import db
from faunaschade.letters.operations import regenerate_letter
from faunaschade.models import Letter

letters = AppGroup("letters", help="Letters (PDF).")


@letters.command("regenerate")
@click.argument("letter_id", type=int)
@click.option("--reason", default="", help="Why a new version is made (kept in the audit log).")
def regenerate(letter_id: int, reason: str) -> None:
    """Render a letter again as a new version, deliberately and audited."""
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        click.echo(f"error: letter {letter_id} does not exist", err=True)
        raise SystemExit(2)
    try:
        new = regenerate_letter(letter, actor=None, reason=reason or "flask letters regenerate")
    except Conflict as exc:
        db.session.rollback()
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"letter {new.id}: version {new.version} of {new.subject_key} queued for rendering")


@letters.command("signing-certificate")
def signing_certificate() -> None:
    """Show the certificate that signs letters (outside production: make the development one)."""
    try:
        signer = current_signer()
    except SigningUnavailable as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None
    kind = "self-signed DEVELOPMENT certificate" if signer.development else "certificate"
    click.echo(f"letters are signed with the {kind} {signer.subject!r}")
    click.echo(f"SHA-256 fingerprint {signer.fingerprint}")
