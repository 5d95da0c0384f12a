"""Faunaschade: claims handling for wildlife-damage compensation."""

from __future__ import annotations

from typing import Any

from flask import Flask

from config import get_config


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, commands."""
    # Imported here, not at the top: `import faunaschade` (config, alembic's env) must not load
    # the whole application.
    from faunaschade import (
        api,
        body_limits,
        cli,
        errors,
        events,
        extensions,
        jobs,
        json_answers,
        logs,
        security,
        transactions,
        web,
    )
    from faunaschade.claims import leges_providers  # (the same reason)

    config = get_config(config_name)
    config.check()
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    app.json = json_answers.OrjsonAnswers(app)
    app.config.from_object(config)
    app.config.update(overrides or {})

    logs.configure(app)
    # First, so no other hook (the rate limiter's key functions) parses a hostile body.
    body_limits.init_app(app)
    extensions.init_app(app)
    events.init_app(app)
    transactions.init_app(app)
    security.init_app(app)
    jobs.init_app(app)
    leges_providers.init_app(app)
    api.register(app)
    web.register(app)
    errors.register(app)
    cli.register(app)
    return app
