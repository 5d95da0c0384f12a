"""The JSON API under /api/v1: thin blueprints over the services."""

from flask import Flask

from faunaschade.api import (
    assessments,
    auth,
    claim_actions,
    claims,
    decisions,
    farmers,
    letters,
    livestock,
    me,
    payment_batches,
    payments,
    privacy,
    statistics,
)
from faunaschade.extensions import api, csrf


def register(app: Flask) -> None:
    """Register every API blueprint; bearer tokens, so no CSRF."""
    blueprints = [module.bp for module in (auth, me, letters)]
    blueprints += [farmers.bp, claims.bp, payments.bp]
    blueprints.append(decisions.bp)
    blueprints += [assessments.bp, claim_actions.bp]
    blueprints.append(statistics.bp)
    blueprints.append(payment_batches.bp)
    blueprints.append(livestock.bp)
    blueprints.append(privacy.bp)
    if app.config["PAYMENT_PROVIDER"] == "test":
        blueprints.append(payments.test_bp)
    for bp in blueprints:
        csrf.exempt(bp)
        api.register_blueprint(bp)
