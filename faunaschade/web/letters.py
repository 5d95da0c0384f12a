"""GET /brieven/{id}.pdf: letter downloads within scope; /brieven/controleren: the public check."""

from typing import Any

from flask import Blueprint, Response, abort, make_response, render_template, request, url_for

from faunaschade.access import login_required
from faunaschade.audit import checkpoints
from faunaschade.downloads import pdf_response
from faunaschade.errors import ValidationFailed
from faunaschade.letters import checks, verification
from faunaschade.letters import operations as letters
from faunaschade.security import letter_verify_limit
from faunaschade.web import use_case

bp = Blueprint("letters_web", __name__)


@bp.route("/brieven/<int:letter_id>.pdf")
@login_required
def download(letter_id: int) -> Response:
    """Download a letter's PDF; 404 outside the user's scope or while it is being made."""
    return pdf_response(*letters.pdf_download(letter_id))


@bp.route("/brieven/controleren", methods=["GET", "POST"])
@letter_verify_limit
def verify() -> Any:
    """Anyone (no login) uploads a PDF and learns whether it is our letter, unchanged: the
    upload becomes a check, and its page shows the answer (at once, or once the worker has it)."""
    if request.method == "POST":
        upload = request.files.get(verification.FIELD)
        data = upload.read() if upload is not None else None
        outcome = use_case.run(
            lambda: checks.start_check(data),
            redirect=lambda answer: url_for("letters_web.check", token=answer.token),
            expected=ValidationFailed,
        )
        if not isinstance(outcome, use_case.Failed):
            return outcome
        return _page(errors=outcome.fields, status=422)
    return _page()


@bp.route("/brieven/controleren/<token>")
def check(token: str) -> Any:
    """One check's page: "bezig met controleren…" until the worker answers, then the verdict.
    The page asks again by itself (static/js/letter_check.js; without script: a link)."""
    answer = checks.answer(token)
    if answer is None:
        abort(404)
    response = make_response(_page(answer=answer))
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(answer: Any = None, errors: dict | None = None, status: int = 200) -> Any:
    latest = checkpoints.latest()
    return (
        render_template(
            "letters_web/verify.html",
            answer=answer,
            verdict=answer.verdict if answer is not None else None,
            errors=errors or {},
            checkpoint=checkpoints.published(latest) if latest else None,
        ),
        status,
    )
