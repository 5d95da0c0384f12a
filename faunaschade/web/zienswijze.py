"""The farmer's responses around the assessment: completing a claim, giving a zienswijze."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from faunaschade.access import get_claim_in_scope_or_404, roles_required
from faunaschade.assessments import zienswijze
from faunaschade.claims import completion
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.models import Role
from faunaschade.schemas.assessments import ZienswijzeInSchema
from faunaschade.web.formdata import load, present, service_errors
from faunaschade.web.vocab import vocabulary

bp = Blueprint("responses", __name__)
farmer_only = roles_required(Role.FARMER)


@bp.route("/aanvragen/<int:claim_id>/aanvullen", methods=["POST"])
@farmer_only
def complete(claim_id: int):
    """The farmer says the claim is complete (after adding what was asked)."""
    claim = get_claim_in_scope_or_404(claim_id)
    try:
        completion.complete_claim(claim, current_user, request.form.get("note", "")[:5000])
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(
            "Dank u. Uw aanvulling is ontvangen en de aanvraag is weer in behandeling.", "success"
        )
    return redirect(url_for("farmer.claim_detail", claim_id=claim.id))


@bp.route("/aanvragen/<int:claim_id>/zienswijze", methods=["GET", "POST"])
@farmer_only
def give(claim_id: int):
    """Respond to the assessment within its window: text and an optional file."""
    claim = get_claim_in_scope_or_404(claim_id)
    window = zienswijze.window(claim)
    errors: dict[str, list[str]] = {}
    values = present(request.form, "text") if request.method == "POST" else {}
    status = 200
    if request.method == "POST":
        data, errors = load(ZienswijzeInSchema(), values)
        status = 422 if errors else 200
        upload = request.files.get("file")
        file = (upload.filename, upload.read()) if upload and upload.filename else None
        if data is not None:
            try:
                zienswijze.submit_zienswijze(claim, current_user, data["text"], file)
            except ValidationFailed as exc:
                db.session.rollback()
                errors, status = service_errors(exc), 422
            except Conflict as exc:
                db.session.rollback()
                errors, status = {"_schema": [exc.message]}, 409
            else:
                db.session.commit()
                flash(
                    "Uw zienswijze is ontvangen. De provincie neemt die mee in het besluit.",
                    "success",
                )
                return redirect(url_for("farmer.claim_detail", claim_id=claim.id) + "#zienswijze")
    return render_template(
        "claims/zienswijze.html",
        claim=claim,
        window=window,
        values=values,
        errors=errors,
        **vocabulary(),
    ), status
