"""GET /api/v1/claims/{id}/letters, GET /api/v1/letters/{id}.pdf; the public letter check:
POST /api/v1/letters/verify, GET /api/v1/letters/verify/{id}."""

from flask import Response, request, url_for
from flask_babel import gettext as _

from faunaschade.access import get_claim_in_scope_or_404, login_required
from faunaschade.api.answers import commits
from faunaschade.api.blueprint import Blueprint
from faunaschade.downloads import pdf_response
from faunaschade.errors import NotFound
from faunaschade.letters import checks, verification
from faunaschade.letters import operations as letters
from faunaschade.schemas.letters import LetterCheckSchema, LetterSchema
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
@commits
@bp.response(200, LetterCheckSchema, description="Byte for byte a letter we stored: done")
@bp.alt_response(202, schema=LetterCheckSchema, description="Pending: poll its Location")
def verify_letter():
    """Is this PDF (multipart field `file`) one of our letters, unchanged? No login needed.

    A POST, although the issue named GET: the letter is uploaded, and a GET carries no body.
    A file that is byte for byte a letter we stored is answered at once (200, done); any other
    is checked by the worker (pyHanko, a second or more): 202 with the check's `Location`, to
    poll. The answer names the letter (kind, claim reference, kenmerk, date), never a person."""
    upload = request.files.get(verification.FIELD)
    answer = checks.start_check(upload.read() if upload is not None else None)
    if answer.verdict is not None:
        return answer
    location = url_for("letters.letter_check", token=answer.token)
    return answer, 202, {"Location": location, "Retry-After": "1"}


@bp.route("/letters/verify/<token>")
@bp.response(200, LetterCheckSchema)
def letter_check(token: str):
    """A letter check by its id: pending (poll again; `Retry-After`), done with the verdict, or
    failed (upload it again). 404 once purged (after about an hour) or for an unknown id."""
    answer = checks.answer(token)
    if answer is None:
        raise NotFound(_("Deze controle bestaat niet (meer): wij bewaren een controle een uur."))
    if answer.status == "pending":
        return answer, 200, {"Retry-After": "1", "Cache-Control": "no-store"}
    return answer, 200, {"Cache-Control": "no-store"}
