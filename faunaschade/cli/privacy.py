"""flask privacy erase EMAIL [--force --by ADMIN]: erase a farmer's personal data."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from faunaschade.errors import AppError
from faunaschade.extensions import db
from faunaschade.farmers import privacy as privacy_service

privacy = AppGroup("privacy", help="Personal data of farmers (AVG).")


@privacy.command("erase")
@click.argument("email")
@click.option(
    "--force",
    is_flag=True,
    help="Erase before the retention period ends (recorded as forced in the audit log).",
)
@click.option(
    "--by",
    "admin_email",
    default=None,
    help="E-mail of the administrator doing this (required with --force; recorded as actor).",
)
def erase(email: str, force: bool, admin_email: str | None) -> None:
    """Anonymise the farmer's personal data; financial records and the audit chain stay."""
    try:
        admin = privacy_service.admin_by_email(admin_email) if admin_email else None
        if force and admin is None:
            raise click.UsageError("--force needs --by ADMIN_EMAIL (an administrator)")
        profile = privacy_service.farmer_by_email(email)
        result = privacy_service.erase_farmer(profile, admin, force=force)
    except AppError as exc:
        db.session.rollback()
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(
        f"erased farmer profile {result.profile_id}"
        f"{' (forced)' if result.forced else ''}: retention ended {result.retention_ends}, "
        f"{result.files_deleted} file(s) deleted, {result.tokens_revoked} token(s) revoked"
    )
