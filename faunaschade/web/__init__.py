"""The Dutch web pages: thin blueprints over the use cases, one module per domain package."""

from flask import Flask

from faunaschade.web import (
    accounts,
    assessments,
    audit,
    authorisations,
    autotax,
    claim_panels,
    claims,
    decisions,
    events,
    farmers,
    health,
    letters,
    open_data,
    pages,
    payouts,
    reports,
    statistics,
)


def register(app: Flask) -> None:
    """Register the page blueprints and template helpers."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(health.bp)
    if app.config["PAYMENT_PROVIDER"] == "test":
        app.register_blueprint(claims.checkout_bp)
    for module in (accounts, farmers, claims, reports, assessments, decisions, payouts, letters):
        app.register_blueprint(module.bp)
    for module in (statistics, audit, authorisations, events, autotax, open_data):
        app.register_blueprint(module.bp)
    claim_panels.register(app)
    reports.register(app)
    pages.register_template_helpers(app)
