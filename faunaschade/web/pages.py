"""The start page and the helpers every template uses."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, redirect, render_template, session, url_for
from flask_login import current_user

from faunaschade.audit.timeline import LETTER_NAMES
from faunaschade.clock import AMSTERDAM
from faunaschade.money import dutch_date, format_eur
from faunaschade.provinces import PROVINCES
from faunaschade.vocabulary import OFFICER_REASONS
from faunaschade.web.forms import LogoutForm

bp = Blueprint("web", __name__)


@bp.route("/")
def index():
    """Start page: the login for visitors, the role's overview for users."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts_web.login"))
    if current_user.role.value == "farmer":
        return redirect(url_for("claims_web.claim_list"))
    return render_template("index.html")


def local_datetime(moment: datetime) -> str:
    """A UTC moment as Dutch local time: 3 maart 2025 14:05."""
    local = moment.astimezone(AMSTERDAM)
    return f"{dutch_date(local.date())} {local:%H:%M}"


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates use."""
    app.jinja_env.filters["eur"] = format_eur
    app.jinja_env.filters["dutch_date"] = lambda d: dutch_date(d) if d else "—"
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.globals["letter_names"] = LETTER_NAMES
    app.jinja_env.filters["reason_text"] = lambda code: OFFICER_REASONS.get(code, code)
    app.jinja_env.globals["PROVINCES"] = PROVINCES

    @app.context_processor
    def _forms():
        return {"logout_form": LogoutForm(), "current_lang": session.get("lang", "nl")}
