"""GET /api/v1/claims/{id}/letters and GET /api/v1/letters/{id}.pdf."""

from flask import Response
from flask_smorest import Blueprint

from faunaschade.access import get_claim_in_scope_or_404, login_required
from faunaschade.downloads import pdf_response
from faunaschade.letters import operations as letters
from faunaschade.schemas.letters import LetterSchema

bp = Blueprint("letters", __name__, url_prefix="/api/v1", description="Letters (PDF)")

PDF_RESPONSE = {
    "description": "The letter as PDF",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@bp.route("/claims/<int:claim_id>/letters")
@login_required
@bp.response(200, LetterSchema(many=True))
def claim_letters(claim_id: int):
    """Every letter of a claim in the caller's scope, with its status and SHA-256."""
    return letters.letters_of(get_claim_in_scope_or_404(claim_id))


@bp.route("/letters/<int:letter_id>.pdf")
@login_required
@bp.doc(responses={200: PDF_RESPONSE})
def letter_pdf(letter_id: int) -> Response:
    """The letter's PDF, once rendered, if its claim is in the caller's scope."""
    return pdf_response(*letters.pdf_download(letter_id))
