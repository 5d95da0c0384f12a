"""flask commands: users, audit, worker, jobs, demo, rules, letters, privacy, layers, gis,
autotax, events, open-data."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add every command group to `flask`."""
    # Imported here: the command modules import create_app (cli.worker), and create_app
    # imports this package.
    from faunaschade.cli import (
        audit,
        autotax,
        demo,
        events,
        gis,
        letters,
        open_data,
        privacy,
        rules,
        users,
        worker,
    )

    for command in (users.users, audit.audit, worker.worker, worker.jobs, demo.demo, rules.rules):
        app.cli.add_command(command)
    app.cli.add_command(letters.letters)
    app.cli.add_command(privacy.privacy)
    app.cli.add_command(gis.layers)
    app.cli.add_command(gis.gis)
    app.cli.add_command(autotax.autotax)
    app.cli.add_command(events.events)
    app.cli.add_command(open_data.open_data)
