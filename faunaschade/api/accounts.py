"""Accounts: bearer tokens and the current user."""

from flask import current_app
from flask_login import current_user

from faunaschade.access import login_required
from faunaschade.accounts import users
from faunaschade.api.answers import commits
from faunaschade.api.blueprint import Blueprint
from faunaschade.extensions import db
from faunaschade.models import TokenKind
from faunaschade.schemas.accounts import MeSchema, TokenRequestSchema, TokenSchema
from faunaschade.security import account_login_limit, login_limit

# -- POST /api/v1/auth/token --
auth_bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Authentication")


@auth_bp.route("/token", methods=["POST"])
@login_limit
@account_login_limit
@commits
@auth_bp.arguments(TokenRequestSchema)
@auth_bp.response(201, TokenSchema)
def create_token(credentials: dict) -> dict:
    """Exchange e-mail and password for a bearer token."""
    user = users.authenticate(credentials["email"], credentials["password"])
    hours = current_app.config["API_TOKEN_HOURS"]
    token = users.issue_token(user, TokenKind.API, hours=hours)
    db.session.flush()  # @commits commits after the answer is built
    return {"token": token, "expires_in": hours * 3600}


# -- GET /api/v1/me --
me_bp = Blueprint("me", __name__, url_prefix="/api/v1", description="The current user")


@me_bp.route("/me")
@login_required
@me_bp.response(200, MeSchema)
def me():
    """The user behind the token, with role and provinces."""
    return current_user
