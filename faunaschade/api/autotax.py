"""Autotax: farmers register parcels; officers start a run and decide its batch with four eyes;
officers and auditors read the runs of their provinces."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from faunaschade.access import roles_required
from faunaschade.api.answers import commits
from faunaschade.api.blueprint import Blueprint
from faunaschade.api.idempotency import idempotent
from faunaschade.autotax import batches, registrations, runs
from faunaschade.extensions import db
from faunaschade.farmers import operations as farmers
from faunaschade.models import AutotaxRun, Role
from faunaschade.schemas.autotax import (
    RegistrationInSchema,
    RegistrationOutSchema,
    RunInSchema,
    RunOutSchema,
    RunPageSchema,
)

bp = Blueprint(
    "autotax",
    __name__,
    url_prefix="/api/v1/autotax",
    description="Autotax: parcels registered for the automatic goose assessment, runs, batches",
)
farmer_only = roles_required(Role.FARMER)
officer_only = roles_required(Role.OFFICER)
readers = roles_required(Role.OFFICER, Role.AUDITOR)


@bp.route("/registrations", methods=["GET"])
@farmer_only
@bp.response(200, RegistrationOutSchema(many=True))
def list_registrations() -> list:
    """The farmer's registered parcels, newest damage year first."""
    return registrations.registrations_of(farmers.profile_of(current_user))


@bp.route("/registrations", methods=["POST"])
@farmer_only
@idempotent
@bp.arguments(RegistrationInSchema)
@bp.response(201, RegistrationOutSchema(many=True))
def register(data: dict[str, Any]) -> list:
    """Register parcels (with an outline) for autotax, on or before the province's deadline."""
    made = registrations.register(farmers.profile_of(current_user), data, current_user)
    db.session.flush()  # @idempotent commits with the answer
    return made


@bp.route("/registrations/<int:registration_id>/withdraw", methods=["POST"])
@farmer_only
@commits
@bp.response(200, RegistrationOutSchema)
def withdraw(registration_id: int) -> Any:
    """Withdraw a registration before the deadline (409 after it)."""
    registration = registrations.registration_of(farmers.profile_of(current_user), registration_id)
    parcel = registration.parcel  # loaded now: the answer names the parcel of the row it removes
    registrations.withdraw(registration, current_user)
    registration.parcel = parcel
    return registration


@bp.route("/runs", methods=["GET"])
@readers
@bp.response(200, RunPageSchema)
def list_runs() -> dict[str, Any]:
    """Runs of the caller's provinces, newest first."""
    found = db.session.scalars(
        runs.runs_in_scope(current_user).order_by(AutotaxRun.id.desc()).limit(200)
    ).all()
    return {"items": found}


@bp.route("/runs", methods=["POST"])
@officer_only
@idempotent
@bp.arguments(RunInSchema)
@bp.response(201, RunOutSchema)
def start_run(data: dict[str, Any]) -> Any:
    """Run autotax for a province and damage year (once): claims, automatic assessments, the
    review sample with its seed; the sampled claims are ordered from the assessor."""
    run = runs.start_run(runs.RunParameters(**data), current_user)
    db.session.flush()  # @idempotent commits with the answer
    return batches.with_batches(run)


@bp.route("/runs/<int:run_id>", methods=["GET"])
@readers
@bp.response(200, RunOutSchema)
def get_run(run_id: int) -> Any:
    """One run with its parameters, claims, sample and batches."""
    return batches.with_batches(runs.get_run_in_scope_or_404(run_id, current_user))


@bp.route("/runs/<int:run_id>/batch", methods=["POST"])
@officer_only
@commits
@bp.response(201, RunOutSchema)
def propose_batch(run_id: int) -> Any:
    """Officer A proposes a decision for every claim of the run that is ready, as one batch."""
    run = runs.get_run_in_scope_or_404(run_id, current_user)
    batches.propose_batch(run, current_user)
    db.session.flush()
    return batches.with_batches(run)


@bp.route("/runs/<int:run_id>/batch/approve", methods=["POST"])
@officer_only
@commits
@bp.response(200, RunOutSchema)
def approve_batch(run_id: int) -> Any:
    """Officer B (never A) approves the run's open batch: a decision and letter per claim."""
    run = runs.get_run_in_scope_or_404(run_id, current_user)
    batch = batches.open_batch(run)
    if batch is None:
        raise batches.nothing_open()
    batches.approve_batch(batch, current_user)
    db.session.flush()
    return batches.with_batches(run)
