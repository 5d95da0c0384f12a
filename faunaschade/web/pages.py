"""The start page and the helpers every template uses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Flask, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from faunaschade.audit.timeline import LETTER_NAMES
from faunaschade.i18n import language
from faunaschade.money import format_eur, written_date, written_moment
from faunaschade.provinces import PROVINCES
from faunaschade.vocabulary import OFFICER_REASONS, ROLE_LABELS
from faunaschade.web.forms import LogoutForm
from faunaschade.web.vocab import translated

bp = Blueprint("web", __name__)


@bp.route("/")
def index():
    """Start page: the login for visitors, the role's overview for users."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts_web.login"))
    if current_user.role.value == "farmer":
        return redirect(url_for("claims_web.claim_list"))
    return render_template("index.html")


def page_language() -> str:
    """The language the page is shown in: "nl" or "en"."""
    return language()


def page_date(value: date | None) -> str:
    """A date in words in the page's language: 3 maart 2025, 3 March 2025 ("—" for none)."""
    return written_date(value, page_language()) if value else "—"


def local_datetime(moment: datetime | None) -> str:
    """A moment as Dutch time (Europe/Amsterdam) in the page's language: 3 maart 2025 14:05,
    3 March 2025 14:05 ("—" for none). Dutch, it is the letters' `dutch_moment` itself."""
    return written_moment(moment, page_language()) if moment else "—"


def reason_text(code: str) -> str:
    """A rejection reason's sentence in the page's language (unknown codes as they are)."""
    return gettext(OFFICER_REASONS[code]) if code in OFFICER_REASONS else code


def hectares4(value: Any) -> str:
    """An area to the square metre, as the map's table shows it: 1,2500 ha."""
    return gettext("%(ha)s ha", ha=f"{value:.4f}".replace(".", ","))


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates use."""
    app.jinja_env.filters["eur"] = format_eur
    # `dutch_date` keeps its name for the templates: it writes the date in the page's language
    # (letters have their own environment and stay Dutch).
    app.jinja_env.filters["dutch_date"] = page_date
    # Every date-time on a page or in an e-mail (their environment overlays this one) is Dutch
    # time through this one filter, in the reader's language; letters register `dutch_moment`
    # under the same name (documents/render.py), which this filter writes for Dutch.
    app.jinja_env.filters["local_datetime"] = local_datetime
    # A moment published as ISO 8601 text (an audit checkpoint), for `local_datetime`.
    app.jinja_env.filters["from_iso"] = datetime.fromisoformat
    app.jinja_env.globals["letter_names"] = LETTER_NAMES
    app.jinja_env.filters["reason_text"] = reason_text
    app.jinja_env.filters["ha4"] = hectares4
    app.jinja_env.globals["PROVINCES"] = PROVINCES

    @app.context_processor
    def _forms():
        return {
            "logout_form": LogoutForm(),
            "current_lang": page_language(),
            "ROLE_LABELS": translated(ROLE_LABELS),
        }
