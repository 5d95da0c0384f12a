"""Officer pages for payment batches: build, approve, export, download, mark paid, cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from faunaschade.access import roles_required
from faunaschade.downloads import xml_response
from faunaschade.errors import AppError
from faunaschade.extensions import db
from faunaschade.models import PaymentBatch, Role
from faunaschade.payouts import batch_views as views
from faunaschade.payouts import batches

bp = Blueprint("payment_batches_web", __name__, url_prefix="/betaalbatches")
officer_only = roles_required(Role.OFFICER)
KIND_LABELS = {"payout": "Tegemoetkoming", "leges_refund": "Leges terug"}


def _batch(batch_id: int) -> PaymentBatch:
    return batches.get_batch_in_scope_or_404(batch_id, current_user)


def _run(action: Callable[[], Any], done: str) -> Any:
    """Run one use case: commit and flash, or roll back and flash its error."""
    try:
        result = action()
        db.session.commit()
    except AppError as exc:
        db.session.rollback()
        detail = " ".join(m for msgs in exc.fields.values() for m in msgs)
        flash(f"{exc.message} {detail}".strip(), "error")
        return None
    except IntegrityError:
        # Another officer built or changed a batch with the same claims at the same moment.
        db.session.rollback()
        flash("Een andere behandelaar was u net voor; bekijk de betaalbatches opnieuw.", "error")
        return None
    flash(done, "success")
    return result


def _detail(batch_id: int) -> Any:
    return redirect(url_for("payment_batches_web.detail", batch_id=batch_id))


@bp.route("")
@officer_only
def index():
    """The officer's batches, newest first, and the form to build one."""
    found = db.session.scalars(
        batches.batches_in_scope(current_user).order_by(PaymentBatch.id.desc()).limit(100)
    ).all()
    return render_template("payment_batches/list.html", batches=views.summaries(list(found)))


@bp.route("", methods=["POST"])
@officer_only
def build():
    """Officer A builds a batch for one province."""
    province = request.form.get("province", "")
    batch = _run(
        lambda: batches.build_batch(province, current_user),
        "De betaalbatch is samengesteld. Een andere behandelaar moet hem goedkeuren.",
    )
    if batch is None:
        return redirect(url_for("payment_batches_web.index"))
    return _detail(batch.id)


@bp.route("/<int:batch_id>")
@officer_only
def detail(batch_id: int):
    """One batch with every transfer and the actions its status allows."""
    batch = _batch(batch_id)
    return render_template(
        "payment_batches/detail.html",
        batch=views.batch_view(batch),
        KIND_LABELS=KIND_LABELS,
    )


@bp.route("/<int:batch_id>/goedkeuren", methods=["POST"])
@officer_only
def approve(batch_id: int):
    """Officer B approves (never the builder)."""
    batch = _batch(batch_id)
    _run(lambda: batches.approve_batch(batch, current_user), "De betaalbatch is goedgekeurd.")
    return _detail(batch_id)


@bp.route("/<int:batch_id>/exporteren", methods=["POST"])
@officer_only
def export(batch_id: int):
    """Make the pain.001 file of an approved batch (once); the page then offers it."""
    batch = _batch(batch_id)
    _run(
        lambda: batches.export_batch(batch, current_user),
        "Het SEPA-bestand (pain.001) is gemaakt. Download het en lever het aan bij de bank.",
    )
    return _detail(batch_id)


@bp.route("/<int:batch_id>/pain001.xml")
@officer_only
def download(batch_id: int):
    """The exported pain.001 file, byte for byte as it was made."""
    batch = _batch(batch_id)
    data = batches.exported_file(batch, current_user)
    return xml_response(data, f"pain001-{batch.province}-batch-{batch.id}.xml")


@bp.route("/<int:batch_id>/betaald", methods=["POST"])
@officer_only
def paid(batch_id: int):
    """The bank executed the file: the claims are paid."""
    batch = _batch(batch_id)
    _run(
        lambda: batches.mark_paid(batch, current_user),
        "De betaalbatch is betaald; de aanvragen staan op uitbetaald.",
    )
    return _detail(batch_id)


@bp.route("/<int:batch_id>/annuleren", methods=["POST"])
@officer_only
def cancel(batch_id: int):
    """Cancel a batch that was not exported; its claims are free again."""
    batch = _batch(batch_id)
    _run(
        lambda: batches.cancel_batch(batch, current_user, request.form.get("reason", "")),
        "De betaalbatch is geannuleerd; de aanvragen kunnen in een nieuwe batch.",
    )
    return _detail(batch_id)
