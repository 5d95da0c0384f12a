"""flask open-data release: cut a release of the open data now."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from faunaschade.extensions import db
from faunaschade.statistics import releases

open_data = AppGroup("open-data", help="Open data releases.")


@open_data.command("release")
def release() -> None:
    """Cut, suppress and publish a release now; none when the figures did not change."""
    made, new = releases.publish_release()
    db.session.commit()
    if made is None:
        raise click.ClickException("another process is making a release right now; try again")
    summary = json.dumps(releases.summary(made))
    if new:
        click.echo(f"release {made.id} published: {summary}")
    else:
        click.echo(f"nothing changed since release {made.id}; no new release: {summary}")
