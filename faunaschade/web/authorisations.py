"""Machtigingen pages: the farmer grants and revokes, the representative sees whom they act
for, and an officer records a written authorisation on the applicant's page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from faunaschade.access import claims_in_scope, get_farmer_in_scope_or_404, roles_required
from faunaschade.clock import today
from faunaschade.downloads import download
from faunaschade.errors import NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.farmers import authorisations
from faunaschade.farmers import operations as farmers
from faunaschade.models import Claim, FarmerProfile, Role, StoredFile
from faunaschade.schemas.authorisations import AuthorisationInSchema, WrittenAuthorisationInSchema
from faunaschade.storage import read_bytes
from faunaschade.web.formdata import load, present
from faunaschade.web.use_case import Failed, run
from faunaschade.web.vocab import vocabulary

bp = Blueprint("authorisations_web", __name__)
farmer_only = roles_required(Role.FARMER)
officer_only = roles_required(Role.OFFICER)
#: The form's fields, in its order (the error summary lists them so).
FIELDS = ("email", "scope", "claim_id", "valid_from", "valid_until")


def _form_data(form: Any, *extra: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, list]]:
    """What was typed (kept for the page), the schema's input, and the page's own errors."""
    values = present(form, "email", "claim_id", "valid_from", "valid_until", *extra)
    values["scope"] = form.get("scope", "all_claims")
    data = {k: values[k] for k in ("email", "valid_from", "valid_until", *extra) if k in values}
    data.setdefault("email", "")
    errors: dict[str, list[str]] = {}
    if values["scope"] == "claim":
        raw = values.get("claim_id", "")
        if raw.isdigit() and len(raw) < 10:
            data["claim_id"] = int(raw)
        else:
            errors["claim_id"] = [_("Kies de aanvraag waarvoor de machtiging geldt.")]
    return values, data, errors


def _grant_or_record(
    action: Any, data: dict, errors: dict, schema: Any, done: str, to: str
) -> tuple[Any, dict[str, list[str]]]:
    """Load, run and answer: (a redirect, {}) when stored, else (None, errors) for the form."""
    loaded, problems = load(schema, data)
    errors = {**problems, **errors}
    if loaded is not None and not errors:
        outcome = run(lambda: action(loaded), done=done, redirect=to, expected=ValidationFailed)
        if not isinstance(outcome, Failed):
            return outcome, errors
        errors = outcome.fields
    return None, errors


@bp.route("/machtigingen", methods=["GET", "POST"])
@farmer_only
def page():
    """The farmer's authorisations: grant one (all claims or one, for a period), list, revoke.
    A representative without a farm of their own has nothing to grant: the page says whom
    they act for."""
    profile = authorisations.own_profile(current_user)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"scope": "all_claims"}
    if request.method == "POST":
        if profile is None:
            raise NotFound(_("Geen boerenprofiel bij deze gebruiker."))
        values, data, errors = _form_data(request.form)
        answer, errors = _grant_or_record(
            lambda loaded: authorisations.grant(profile, loaded, current_user),
            data,
            errors,
            AuthorisationInSchema(),
            _("De machtiging is vastgelegd. Uw gemachtigde kan nu namens u handelen."),
            url_for("authorisations_web.page"),
        )
        if answer is not None:
            return answer
    own_claims = (
        db.session.scalars(
            select(Claim).where(Claim.farmer_id == profile.id).order_by(Claim.id.desc())
        ).all()
        if profile
        else []
    )
    return render_template(
        "farmer/authorisations.html",
        profile=profile,
        granted=authorisations.granted_by(profile) if profile else [],
        claims={str(c.id): c.reference for c in own_claims},
        values=values,
        errors=errors,
        acting=bool(authorisations.acting_for(current_user)),
        today=today(),
        **vocabulary(),
    ), 422 if errors else 200


@bp.route("/machtigingen/<int:authorisation_id>/intrekken", methods=["POST"])
@farmer_only
def revoke(authorisation_id: int):
    """Revoke one of the farmer's authorisations: access ends at once."""
    authorisation = authorisations.authorisation_of(
        farmers.profile_of(current_user), authorisation_id
    )
    return run(
        lambda: authorisations.revoke(authorisation, current_user),
        done=_("De machtiging is ingetrokken."),
        back=url_for("authorisations_web.page"),
    )


@bp.route("/ik-handel-namens")
@farmer_only
def acting_for():
    """Whom the user acts for (authorisations that count today), with their claims."""
    held = authorisations.acting_for(current_user)
    claims = db.session.scalars(
        claims_in_scope(current_user)
        .where(Claim.farmer_id.in_([a.farmer_id for a in held]))
        .order_by(Claim.id.desc())
    ).all()
    return render_template(
        "farmer/acting_for.html",
        held=held,
        claims=claims,
        own=authorisations.own_profile(current_user),
        **vocabulary(),
    )


@bp.route("/aanvragers/<int:profile_id>/machtigingen", methods=["GET", "POST"])
@officer_only
def written(profile_id: int):
    """An applicant's authorisations; the officer records a signed paper one (with a scan)."""
    profile = get_farmer_in_scope_or_404(profile_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"scope": "all_claims"}
    if request.method == "POST":
        values, data, errors = _form_data(request.form, "document_date")
        file = request.files.get("file")
        scan = (file.filename or "", file.read()) if file and file.filename else None
        answer, errors = _grant_or_record(
            lambda loaded: authorisations.record_written(profile, loaded, current_user, scan),
            data,
            errors,
            WrittenAuthorisationInSchema(),
            _("De schriftelijke machtiging is vastgelegd."),
            url_for("authorisations_web.written", profile_id=profile.id),
        )
        if answer is not None:
            return answer
    return _officer_page(profile, values, errors)


def _officer_page(profile: FarmerProfile, values: dict, errors: dict) -> Any:
    own_claims = db.session.scalars(
        claims_in_scope(current_user).where(Claim.farmer_id == profile.id).order_by(Claim.id.desc())
    ).all()
    return render_template(
        "officer/authorisations.html",
        profile=profile,
        granted=authorisations.granted_by(profile),
        claims={str(c.id): c.reference for c in own_claims},
        values=values,
        errors=errors,
        today=today(),
        **vocabulary(),
    ), 422 if errors else 200


@bp.route(
    "/aanvragers/<int:profile_id>/machtigingen/<int:authorisation_id>/intrekken", methods=["POST"]
)
@officer_only
def officer_revoke(profile_id: int, authorisation_id: int):
    """Revoke an applicant's authorisation (on their written request)."""
    profile = get_farmer_in_scope_or_404(profile_id)
    authorisation = authorisations.authorisation_of(profile, authorisation_id)
    return run(
        lambda: authorisations.revoke(authorisation, current_user),
        done=_("De machtiging is ingetrokken."),
        back=url_for("authorisations_web.written", profile_id=profile.id),
    )


@bp.route("/aanvragers/<int:profile_id>/machtigingen/<int:authorisation_id>/scan")
@officer_only
def scan(profile_id: int, authorisation_id: int):
    """The scan of a written authorisation, as a download."""
    profile = get_farmer_in_scope_or_404(profile_id)
    authorisation = authorisations.authorisation_of(profile, authorisation_id)
    if authorisation.document_file_id is None:
        raise NotFound(_("Bij deze machtiging is geen scan opgeslagen."))
    stored = db.session.get(StoredFile, authorisation.document_file_id)
    extension = {"application/pdf": "pdf", "image/png": "png"}.get(stored.content_type, "jpg")
    return download(
        read_bytes(stored.id), stored.content_type, f"machtiging-{authorisation.id}.{extension}"
    )
