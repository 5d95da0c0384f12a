"""Authorisation: one role decorator and scoped loaders that answer 404 outside scope."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, false, or_, select

from faunaschade.clock import today
from faunaschade.errors import Forbidden, NotFound, Unauthorized
from faunaschade.extensions import db
from faunaschade.models import (
    Assessment,
    Attachment,
    Claim,
    DamageReport,
    FarmerProfile,
    Role,
    User,
)
from faunaschade.models.authorisations import represented_by, represents

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Only logged-in users with one of these roles; others get 401/403 (pages: login)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    raise Unauthorized()
                return redirect(url_for("accounts_web.login", next=request.full_path))
            if roles and current_user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


login_required = roles_required()


def farmer_profile(user: User) -> FarmerProfile | None:
    """The farmer's own profile: the one read with the user's token when it came with it (no
    statement), else asked for. A profile is never removed, so one that came along is current;
    none that came along is asked again (it may have been made since)."""
    if (profile := user.__dict__.get("farmer_profile")) is not None:  # current_user too
        return profile
    return db.session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))


def claims_in_scope(user: User) -> Select[tuple[Claim]]:
    """A query of the claims this user may see (SPEC §1): a farmer's own, and those of the
    farmers who authorised them (a machtiging active today, asked on every request: a
    revocation counts at once)."""
    query = select(Claim)
    if user.role == Role.FARMER:
        profile = farmer_profile(user)
        return query.where(
            or_(
                Claim.farmer_id == (profile.id if profile else -1),
                represented_by(user.id, Claim.farmer_id, Claim.id, today()),
            )
        )
    if user.role == Role.ASSESSOR:
        assigned = select(Assessment.claim_id).where(Assessment.assessor_id == user.id)
        return query.where(Claim.id.in_(assigned))
    if user.role in (Role.OFFICER, Role.AUDITOR):
        return query.where(Claim.province.in_(user.provinces))
    return query.where(false())


def get_claim_in_scope_or_404(claim_id: int, user: User | None = None) -> Claim:
    """The claim if it exists and the user may see it; 404 otherwise (never 403)."""
    user = user or current_user
    claim = db.session.scalar(claims_in_scope(user).where(Claim.id == claim_id))
    if claim is None:
        raise NotFound(_("Aanvraag niet gevonden."))
    return claim


def get_attachment_in_scope_or_404(claim_id: int, attachment_id: int) -> Attachment:
    """An attachment of a claim the user may see; 404 otherwise."""
    claim = get_claim_in_scope_or_404(claim_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.claim_id != claim.id:
        raise NotFound(_("Bijlage niet gevonden."))
    if attachment.file.size == 0:  # only erasure empties a file (farmers.privacy)
        raise NotFound(_("Deze bijlage is gewist."))
    return attachment


def get_assessment_in_scope_or_404(assessment_id: int, user: User | None = None) -> Assessment:
    """An assessment assigned to this assessor, or of a claim in an officer's/auditor's scope."""
    user = user or current_user
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound(_("Taxatie niet gevonden."))
    if user.role == Role.ASSESSOR and assessment.assessor_id == user.id:
        return assessment
    if user.role in (Role.OFFICER, Role.AUDITOR) and assessment.claim.province in user.provinces:
        return assessment
    raise NotFound(_("Taxatie niet gevonden."))


def get_farmer_in_scope_or_404(profile_id: int, user: User | None = None) -> FarmerProfile:
    """A farmer (applicant) an officer may act for: one with a claim in the officer's
    provinces; 404 otherwise (also for every other role)."""
    user = user or current_user
    profile = db.session.get(FarmerProfile, profile_id)
    if profile is not None and user.role == Role.OFFICER:
        claims = select(Claim.id).where(
            Claim.farmer_id == profile.id, Claim.province.in_(user.provinces)
        )
        if db.session.scalar(claims.limit(1)) is not None:
            return profile
    raise NotFound(_("Aanvrager niet gevonden."))


def reports_in_scope(user: User) -> Select[tuple[DamageReport]]:
    """A query of the meldingen this user may see: the farmer's own and those of farmers who
    authorised them for all claims today (machtiging), the officer's and auditor's provinces
    (read-only); nobody else's."""
    query = select(DamageReport)
    if user.role == Role.FARMER:
        profile = farmer_profile(user)
        return query.where(
            or_(
                DamageReport.farmer_id == (profile.id if profile else -1),
                represents(user.id, DamageReport.farmer_id, today()),
            )
        )
    if user.role in (Role.OFFICER, Role.AUDITOR):
        return query.where(DamageReport.province.in_(user.provinces))
    return query.where(false())


def get_report_in_scope_or_404(report_id: int, user: User | None = None) -> DamageReport:
    """The melding if it exists and the user may see it; 404 otherwise (never 403)."""
    user = user or current_user
    report = db.session.scalar(reports_in_scope(user).where(DamageReport.id == report_id))
    if report is None:
        raise NotFound(_("Melding niet gevonden."))
    return report
