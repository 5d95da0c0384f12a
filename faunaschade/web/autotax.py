"""Autotax pages: the farmer registers parcels (and withdraws them before the deadline); the
officer starts a run, sees its claims and sample, and proposes or approves its batch."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from faunaschade.access import roles_required
from faunaschade.assessments.operations import assessors
from faunaschade.autotax import batches, registrations, runs
from faunaschade.clock import today
from faunaschade.extensions import db
from faunaschade.farmers import operations as farmers
from faunaschade.i18n import N_
from faunaschade.models import AutotaxRun, Role
from faunaschade.schemas.autotax import RegistrationInSchema, RunInSchema
from faunaschade.vocabulary import STATUS_LABELS
from faunaschade.web.use_case import Failed, run
from faunaschade.web.vocab import translated, vocabulary

bp = Blueprint("autotax_web", __name__, url_prefix="/autotax")
farmer_only = roles_required(Role.FARMER)
officer_only = roles_required(Role.OFFICER)
readers = roles_required(Role.OFFICER, Role.AUDITOR)
#: Why a claim is in the sample, as the run page says it.
SAMPLE_REASONS = {
    "random": N_("willekeurig getrokken"),
    "above_amount": N_("boven het bedrag"),
}
RACE = N_("Een andere behandelaar was u net voor; bekijk de ronde opnieuw.")


def _registration_form(errors: dict[str, Any] | None = None, values: dict | None = None):
    profile = farmers.profile_of(current_user)
    parcels = sorted(profile.parcels, key=lambda p: p.name.lower())
    names = {p.id: p.name for p in parcels}
    values = values or {"parcel_ids": []}
    labels = {
        "province": _("Provincie"),
        "damage_year": _("Schadejaar"),
        "parcel_ids": _("Percelen"),
    }
    anchors = {"province": "f-season", "damage_year": "f-season", "parcel_ids": "f-parcels"}
    for i, parcel_id in enumerate(values["parcel_ids"]):
        labels[f"parcel_ids[{i}]"] = _("Perceel '%(name)s'", name=names.get(parcel_id, parcel_id))
        anchors[f"parcel_ids[{i}]"] = f"f-parcel-{parcel_id}"
    return render_template(
        "autotax/registrations.html",
        seasons=registrations.open_seasons(),
        parcels=parcels,
        registrations=registrations.registrations_of(profile),
        deadline_of=registrations.deadline_of,
        errors=errors or {},
        values=values,
        labels=labels,
        anchors=anchors,
        today=today(),
        **vocabulary(),
    ), (422 if errors else 200)


@bp.route("", methods=["GET"])
@farmer_only
def registration_page():
    """Autotax percelen: register parcels for a damage year, see and withdraw registrations."""
    return _registration_form()


@bp.route("", methods=["POST"])
@farmer_only
def register():
    """Register the ticked parcels in the chosen province and damage year."""
    season = request.form.get("season", "")
    province, _sep, year = season.partition("-")
    raw = {
        "province": province,
        "damage_year": int(year) if year.isdigit() and len(year) <= 4 else year,
        "parcel_ids": [
            int(v) if v.isdigit() and len(v) <= 9 else v for v in request.form.getlist("parcel_ids")
        ],
    }
    values = {"season": season, "parcel_ids": raw["parcel_ids"]}
    try:
        data = RegistrationInSchema().load(raw)
    except ValidationError as error:
        return _registration_form(_flat(error.messages), values)
    outcome = run(
        lambda: registrations.register(farmers.profile_of(current_user), data, current_user),
        done=lambda made: _("%(n)s perceel/percelen aangemeld voor autotax.", n=len(made)),
        redirect=url_for("autotax_web.registration_page"),
    )
    if isinstance(outcome, Failed):
        return _registration_form(outcome.fields, values)
    return outcome


def _flat(messages: dict[str, Any]) -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for field, value in messages.items():
        if isinstance(value, dict):
            for index, inner in value.items():
                flat[f"{field}[{index}]"] = list(inner)
        else:
            flat[field] = list(value)
    return flat


@bp.route("/<int:registration_id>/intrekken", methods=["POST"])
@farmer_only
def withdraw(registration_id: int):
    """Withdraw a registration before the deadline."""
    registration = registrations.registration_of(farmers.profile_of(current_user), registration_id)
    return run(
        lambda: registrations.withdraw(registration, current_user),
        done=_("De aanmelding is ingetrokken."),
        back=url_for("autotax_web.registration_page"),
    )


def _runs_page(errors: dict[str, Any] | None = None, values: dict | None = None):
    found = db.session.scalars(
        runs.runs_in_scope(current_user).order_by(AutotaxRun.id.desc()).limit(200)
    ).all()
    return render_template(
        "autotax/runs.html",
        runs=found,
        provinces=[p for p in current_user.provinces],
        assessors=assessors() if current_user.role == Role.OFFICER else [],
        errors=errors or {},
        values=values or {"sample_pct": "10", "review_above": "5000"},
        labels={
            "province": _("Provincie"),
            "damage_year": _("Schadejaar"),
            "seed": _("Zaad (seed)"),
            "sample_pct": _("Steekproefpercentage"),
            "review_above": _("Altijd controleren boven (euro)"),
            "assessor_email": _("Taxateur van de steekproef"),
        },
    ), (422 if errors else 200)


@bp.route("/rondes", methods=["GET"])
@readers
def runs_page():
    """The runs of the reader's provinces, and (officers) the form to start one."""
    return _runs_page()


@bp.route("/rondes", methods=["POST"])
@officer_only
def start_run():
    """Start a run for a province and damage year."""
    form = request.form
    raw: dict[str, Any] = {
        "province": form.get("province", ""),
        "damage_year": _number(form.get("damage_year", "")),
        "sample_pct": form.get("sample_pct", "").strip().replace(",", "."),
        "review_above": form.get("review_above", "").strip().replace(",", "."),
        "seed": _number(form.get("seed", "")) if form.get("seed", "").strip() else None,
    }
    if form.get("assessor_email"):
        raw["assessor_email"] = form["assessor_email"]
    values = dict(form.items())
    try:
        data = RunInSchema().load(raw)
    except ValidationError as error:
        return _runs_page(_flat(error.messages), values)
    outcome = run(
        lambda: runs.start_run(runs.RunParameters(**data), current_user),
        done=_("Autotax is uitgevoerd; de steekproef is getrokken en vastgelegd."),
        redirect=lambda made: url_for("autotax_web.run_page", run_id=made.id),
        race=_(RACE),
    )
    if isinstance(outcome, Failed):
        return _runs_page(outcome.fields, values)
    return outcome


def _number(text: str) -> Any:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 19 else text


@bp.route("/rondes/<int:run_id>", methods=["GET"])
@readers
def run_page(run_id: int):
    """One run: its parameters, claims, sample (drawn again to show it is reproducible) and
    batches."""
    found = runs.get_run_in_scope_or_404(run_id, current_user)
    return render_template(
        "autotax/run.html",
        run=found,
        batches=batches.batches_of(found),
        open_batch=batches.open_batch(found),
        ready=batches.ready(found),
        reproduced=runs.redraw(found) == runs.recorded_sample(found),
        SAMPLE_REASONS=translated(SAMPLE_REASONS),
        STATUS_LABELS=translated(STATUS_LABELS),
    )


@bp.route("/rondes/<int:run_id>/voorstel", methods=["POST"])
@officer_only
def propose(run_id: int):
    """Officer A proposes the batch."""
    found = runs.get_run_in_scope_or_404(run_id, current_user)
    return run(
        lambda: batches.propose_batch(found, current_user),
        done=_("De batch is voorgesteld. Een andere behandelaar moet hem goedkeuren."),
        back=url_for("autotax_web.run_page", run_id=run_id),
        race=_(RACE),
    )


@bp.route("/rondes/<int:run_id>/goedkeuren", methods=["POST"])
@officer_only
def approve(run_id: int):
    """Officer B approves the batch: a decision and a letter per claim."""
    found = runs.get_run_in_scope_or_404(run_id, current_user)

    def action():
        batch = batches.open_batch(found)
        if batch is None:
            raise batches.nothing_open()
        return batches.approve_batch(batch, current_user)

    return run(
        action,
        done=_("De batch is goedgekeurd: elk besluit en elke brief volgt."),
        back=url_for("autotax_web.run_page", run_id=run_id),
        race=_(RACE),
    )
