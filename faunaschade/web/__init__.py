"""The Dutch web pages: thin blueprints over the services."""

from flask import Flask

from faunaschade.web import health, pages


def register(app: Flask) -> None:
    """Register the page blueprints and template helpers."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(health.bp)
    pages.register_template_helpers(app)
