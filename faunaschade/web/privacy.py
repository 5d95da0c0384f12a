"""The farmer's page link to download all data held about them (same service as the API)."""

from __future__ import annotations

import json

from flask import Blueprint, Response
from flask_login import current_user

from faunaschade.access import roles_required
from faunaschade.farmers import privacy
from faunaschade.models import Role

bp = Blueprint("privacy_web", __name__)


@bp.route("/mijn-gegevens.json")
@roles_required(Role.FARMER)
def export():
    """Everything held about the logged-in farmer, as a JSON download."""
    body = json.dumps(privacy.export_for(current_user), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers.set("Content-Disposition", "attachment", filename="mijn-gegevens.json")
    response.headers["Cache-Control"] = "private, no-store"
    return response
