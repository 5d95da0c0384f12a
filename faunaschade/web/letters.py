"""GET /brieven/{id}.pdf: letter downloads within scope; /brieven/controleren: the public check."""

from typing import Any

from flask import Blueprint, Response, render_template, request

from faunaschade.access import login_required
from faunaschade.audit import checkpoints
from faunaschade.downloads import pdf_response
from faunaschade.errors import ValidationFailed
from faunaschade.letters import operations as letters
from faunaschade.letters import verification
from faunaschade.security import letter_verify_limit

bp = Blueprint("letters_web", __name__)


@bp.route("/brieven/<int:letter_id>.pdf")
@login_required
def download(letter_id: int) -> Response:
    """Download a letter's PDF; 404 outside the user's scope or while it is being made."""
    return pdf_response(*letters.pdf_download(letter_id))


@bp.route("/brieven/controleren", methods=["GET", "POST"])
@letter_verify_limit
def verify() -> Any:
    """Anyone (no login) uploads a PDF and learns whether it is our letter, unchanged."""
    verdict, errors, status = None, {}, 200
    if request.method == "POST":
        upload = request.files.get(verification.FIELD)
        try:
            verdict = verification.verify_letter(upload.read() if upload is not None else None)
        except ValidationFailed as exc:
            errors, status = exc.fields, 422
    latest = checkpoints.latest()
    return (
        render_template(
            "letters_web/verify.html",
            verdict=verdict,
            errors=errors,
            checkpoint=checkpoints.published(latest) if latest else None,
        ),
        status,
    )
