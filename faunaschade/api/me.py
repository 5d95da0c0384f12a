"""GET /api/v1/me."""

from flask_login import current_user
from flask_smorest import Blueprint

from faunaschade.access import login_required
from faunaschade.schemas.users import MeSchema

bp = Blueprint("me", __name__, url_prefix="/api/v1", description="The current user")


@bp.route("/me")
@login_required
@bp.response(200, MeSchema)
def me():
    """The user behind the token, with role and provinces."""
    return current_user
