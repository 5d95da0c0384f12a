"""POST /api/v1/auth/token."""

from flask import current_app
from flask_smorest import Blueprint

from faunaschade.accounts import users
from faunaschade.api.answers import commits
from faunaschade.extensions import db
from faunaschade.models import TokenKind
from faunaschade.schemas.users import TokenRequestSchema, TokenSchema
from faunaschade.security import account_login_limit, login_limit

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Authentication")


@bp.route("/token", methods=["POST"])
@login_limit
@account_login_limit
@commits
@bp.arguments(TokenRequestSchema)
@bp.response(201, TokenSchema)
def create_token(credentials: dict) -> dict:
    """Exchange e-mail and password for a bearer token."""
    user = users.authenticate(credentials["email"], credentials["password"])
    hours = current_app.config["API_TOKEN_HOURS"]
    token = users.issue_token(user, TokenKind.API, hours=hours)
    db.session.flush()  # @commits commits after the answer is built
    return {"token": token, "expires_in": hours * 3600}
