"""The JSON API under /api/v1: thin blueprints over the domain packages, one file per package."""

from flask import Flask

from faunaschade.api import (
    accounts,
    assessments,
    audit,
    authorisations,
    autotax,
    claims,
    decisions,
    events,
    farmers,
    letters,
    open_data,
    payouts,
    reports,
    statistics,
)
from faunaschade.extensions import api, csrf


def register(app: Flask) -> None:
    """Register every API blueprint; bearer tokens, so no CSRF."""
    blueprints = [accounts.auth_bp, accounts.me_bp, letters.bp]
    blueprints += [farmers.bp, claims.bp, claims.leges_bp]
    blueprints.append(decisions.bp)
    blueprints += [assessments.bp, assessments.claim_steps_bp, claims.worklist_bp]
    blueprints.append(statistics.bp)
    blueprints.append(payouts.bp)
    blueprints.append(claims.livestock_bp)
    blueprints.append(farmers.privacy_bp)
    blueprints.append(authorisations.bp)
    blueprints.append(reports.bp)
    blueprints.append(events.bp)
    blueprints.append(autotax.bp)
    blueprints.append(open_data.bp)
    blueprints.append(audit.bp)
    if app.config["PAYMENT_PROVIDER"] == "test":
        blueprints.append(claims.leges_test_bp)
    for bp in blueprints:
        csrf.exempt(bp)
        api.register_blueprint(bp)
