"""flask commands: users, audit, worker, jobs, demo, rules, letters."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add every command group to `flask`."""
    from faunaschade.cli import audit, demo, letters, rules, users, worker

    for command in (users.users, audit.audit, worker.worker, worker.jobs, demo.demo, rules.rules):
        app.cli.add_command(command)
    app.cli.add_command(letters.letters)
