"""GET /api/v1/claims/{id}/letters, GET /api/v1/letters/{id}.pdf, POST /api/v1/letters/verify."""

from flask import Response, request
from flask_smorest import Blueprint

from faunaschade.access import get_claim_in_scope_or_404, login_required
from faunaschade.downloads import pdf_response
from faunaschade.letters import operations as letters
from faunaschade.letters import verification
from faunaschade.schemas.letters import LetterSchema, LetterVerificationSchema
from faunaschade.security import letter_verify_limit

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


VERIFY_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    },
}


@bp.route("/letters/verify", methods=["POST"])
@letter_verify_limit
@bp.doc(requestBody=VERIFY_BODY)
@bp.response(200, LetterVerificationSchema)
def verify_letter():
    """Is this PDF (multipart field `file`) one of our letters, unchanged? No login needed.

    A POST, although the issue named GET: the letter is uploaded, and a GET carries no body.
    The answer names the letter (kind, claim reference, kenmerk, date), never a person."""
    upload = request.files.get(verification.FIELD)
    return verification.verify_letter(upload.read() if upload is not None else None)
