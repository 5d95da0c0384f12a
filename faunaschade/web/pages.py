"""The start page and the helpers every template uses."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, session, url_for
from flask_login import current_user

from faunaschade.audit.timeline import LETTER_NAMES
from faunaschade.money import dutch_date, dutch_moment, format_eur
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


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates use."""
    app.jinja_env.filters["eur"] = format_eur
    app.jinja_env.filters["dutch_date"] = lambda d: dutch_date(d) if d else "—"
    # Every date-time on a page or in an e-mail (their environment overlays this one) is Dutch
    # time through this one filter; letters register the same function (documents/render.py).
    app.jinja_env.filters["local_datetime"] = lambda m: dutch_moment(m) if m else "—"
    app.jinja_env.globals["letter_names"] = LETTER_NAMES
    app.jinja_env.filters["reason_text"] = lambda code: OFFICER_REASONS.get(code, code)
    app.jinja_env.globals["PROVINCES"] = PROVINCES

    @app.context_processor
    def _forms():
        return {"logout_form": LogoutForm(), "current_lang": session.get("lang", "nl")}
