"""flask commands: users, audit, worker, jobs, demo, rules."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add every command group to `flask`."""
    from faunaschade.cli import audit, demo, users, worker

    for command in (users.users, audit.audit, worker.worker, worker.jobs, demo.demo):
        app.cli.add_command(command)
    try:
        from faunaschade.cli.rules import rules
    except ImportError:  # the rules engine lands separately
        return
    app.cli.add_command(rules)
