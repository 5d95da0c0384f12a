"""GET /api/v1/audit/checkpoints/latest: the audit chain's last signed head, for anyone."""

from flask_babel import gettext as _

from faunaschade.api.blueprint import Blueprint
from faunaschade.audit import checkpoints
from faunaschade.errors import NotFound
from faunaschade.schemas.audit import CheckpointSchema

bp = Blueprint(
    "audit_checkpoints", __name__, url_prefix="/api/v1/audit", description="Audit checkpoints"
)


@bp.route("/checkpoints/latest")
@bp.response(200, CheckpointSchema)
def latest_checkpoint() -> dict:
    """The newest checkpoint (public, no login): keep it somewhere else."""
    checkpoint = checkpoints.latest()
    if checkpoint is None:
        raise NotFound(_("Er is nog geen controlepunt van het auditlog gepubliceerd."))
    return checkpoints.published(checkpoint)
