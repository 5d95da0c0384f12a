"""Officer pages for payment batches: build, approve, export, download, mark paid, cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from faunaschade.access import roles_required
from faunaschade.downloads import xml_response
from faunaschade.extensions import db
from faunaschade.i18n import N_
from faunaschade.models import PaymentBatch, Role
from faunaschade.payouts import batch_views as views
from faunaschade.payouts import batches
from faunaschade.web.use_case import run
from faunaschade.web.vocab import translated

bp = Blueprint("payouts_web", __name__, url_prefix="/betaalbatches")
officer_only = roles_required(Role.OFFICER)
KIND_LABELS = {
    "payout": N_("Tegemoetkoming"),
    "leges_refund": N_("Leges terug"),
    "dwangsom": N_("Dwangsom"),
}
#: A unique index filled by another officer's request at the same moment.
RACE = N_("Een andere behandelaar was u net voor; bekijk de betaalbatches opnieuw.")


def _batch(batch_id: int) -> PaymentBatch:
    return batches.get_batch_in_scope_or_404(batch_id, current_user)


def _detail_url(batch_id: int) -> str:
    return url_for("payouts_web.detail", batch_id=batch_id)


def _on_batch(batch_id: int, action: Callable[[], Any], done: str) -> Any:
    """Run one use case on a batch; its page shows the outcome."""
    return run(action, done=done, back=_detail_url(batch_id), race=_(RACE))


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
    return run(
        lambda: batches.build_batch(province, current_user),
        done=_("De betaalbatch is samengesteld. Een andere behandelaar moet hem goedkeuren."),
        redirect=lambda batch: _detail_url(batch.id),
        back=url_for("payouts_web.index"),
        race=_(RACE),
    )


@bp.route("/<int:batch_id>")
@officer_only
def detail(batch_id: int):
    """One batch with every transfer and the actions its status allows."""
    batch = _batch(batch_id)
    return render_template(
        "payment_batches/detail.html",
        batch=views.batch_view(batch),
        KIND_LABELS=translated(KIND_LABELS),
    )


@bp.route("/<int:batch_id>/goedkeuren", methods=["POST"])
@officer_only
def approve(batch_id: int):
    """Officer B approves (never the builder)."""
    batch = _batch(batch_id)
    return _on_batch(
        batch_id,
        lambda: batches.approve_batch(batch, current_user),
        _("De betaalbatch is goedgekeurd."),
    )


@bp.route("/<int:batch_id>/exporteren", methods=["POST"])
@officer_only
def export(batch_id: int):
    """Make the pain.001 file of an approved batch (once); the page then offers it."""
    batch = _batch(batch_id)
    return _on_batch(
        batch_id,
        lambda: batches.export_batch(batch, current_user),
        _("Het SEPA-bestand (pain.001) is gemaakt. Download het en lever het aan bij de bank."),
    )


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
    return _on_batch(
        batch_id,
        lambda: batches.mark_paid(batch, current_user),
        _("De betaalbatch is betaald; de aanvragen staan op uitbetaald."),
    )


@bp.route("/<int:batch_id>/annuleren", methods=["POST"])
@officer_only
def cancel(batch_id: int):
    """Cancel a batch that was not exported; its claims are free again."""
    batch = _batch(batch_id)
    return _on_batch(
        batch_id,
        lambda: batches.cancel_batch(batch, current_user, request.form.get("reason", "")),
        _("De betaalbatch is geannuleerd; de aanvragen kunnen in een nieuwe batch."),
    )
