"""The Dutch web pages: thin blueprints over the services."""

from flask import Flask

from faunaschade.web import (
    assessor,
    audit_log,
    claim_panels,
    decisions,
    farmer,
    health,
    letters,
    officer,
    pages,
    payment_batches,
    payments,
    privacy,
    statistics,
    zienswijze,
)


def register(app: Flask) -> None:
    """Register the page blueprints and template helpers."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(farmer.bp)
    if app.config["PAYMENT_PROVIDER"] == "test":
        app.register_blueprint(payments.bp)
    app.register_blueprint(letters.bp)
    app.register_blueprint(decisions.bp)
    for module in (officer, assessor, zienswijze):
        app.register_blueprint(module.bp)
    for module in (statistics, audit_log):
        app.register_blueprint(module.bp)
    app.register_blueprint(payment_batches.bp)
    app.register_blueprint(privacy.bp)
    claim_panels.register(app)
    pages.register_template_helpers(app)
