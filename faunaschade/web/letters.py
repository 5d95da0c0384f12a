"""GET /brieven/{id}.pdf: letter downloads for logged-in users within their scope."""

from flask import Blueprint, Response

from faunaschade.access import login_required
from faunaschade.downloads import pdf_response
from faunaschade.letters import operations as letters

bp = Blueprint("letters_web", __name__)


@bp.route("/brieven/<int:letter_id>.pdf")
@login_required
def download(letter_id: int) -> Response:
    """Download a letter's PDF; 404 outside the user's scope or while it is being made."""
    return pdf_response(*letters.pdf_download(letter_id))
