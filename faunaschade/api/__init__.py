"""The JSON API under /api/v1: thin blueprints over the services."""

from flask import Flask

from faunaschade.api import auth, me
from faunaschade.extensions import api, csrf


def register(app: Flask) -> None:
    """Register every API blueprint; bearer tokens, so no CSRF."""
    for module in (auth, me):
        csrf.exempt(module.bp)
        api.register_blueprint(module.bp)
