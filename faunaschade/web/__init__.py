"""The Dutch web pages: thin blueprints over the services."""

from flask import Flask

from faunaschade.web import decisions, farmer, health, letters, pages, payments


def register(app: Flask) -> None:
    """Register the page blueprints and template helpers."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(farmer.bp)
    if app.config["PAYMENT_PROVIDER"] == "test":
        app.register_blueprint(payments.bp)
    app.register_blueprint(letters.bp)
    app.register_blueprint(decisions.bp)
    pages.register_template_helpers(app)
