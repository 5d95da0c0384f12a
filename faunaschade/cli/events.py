"""flask events reseal-secrets: the subscribers' secrets under the current SECRET_KEY."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from faunaschade.events import subscribers as service
from faunaschade.extensions import db

events = AppGroup("events", help="Event notifications (CloudEvents) to other systems.")


@events.command("reseal-secrets")
def reseal_secrets() -> None:
    """After rotating SECRET_KEY (the old one in SECRET_KEY_FALLBACKS): seal every subscriber's
    secret under the new key, so that the fallback can be removed."""
    resealed, unreadable = service.reseal_secrets()
    db.session.commit()
    click.echo(f"{resealed} subscriber secret(s) sealed under the current SECRET_KEY")
    if unreadable:
        ids = ", ".join(str(i) for i in unreadable)
        click.echo(
            f"no configured key opens the secret of subscriber(s) {ids}: "
            "give them a new secret (Koppelingen, 'Nieuw geheim maken')",
            err=True,
        )
        raise SystemExit(1)
