"""Login, logout, the start page and the language switch."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from faunaschade.access import login_required
from faunaschade.accounts import users
from faunaschade.audit.timeline import LETTER_NAMES
from faunaschade.clock import AMSTERDAM
from faunaschade.errors import Unauthorized
from faunaschade.extensions import db
from faunaschade.money import dutch_date, format_eur
from faunaschade.provinces import PROVINCES
from faunaschade.security import account_login_limit, end_session, login_limit, start_session
from faunaschade.vocabulary import OFFICER_REASONS
from faunaschade.web.forms import LoginForm, LogoutForm

bp = Blueprint("web", __name__)


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a phishing link bounce through us.
    if target and target.startswith("/") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("web.index")


@bp.route("/")
def index():
    """Start page: the login for visitors, the role's overview for users."""
    if not current_user.is_authenticated:
        return redirect(url_for("web.login"))
    if current_user.role.value == "farmer":
        return redirect(url_for("farmer.claim_list"))
    return render_template("index.html")


@bp.route("/login", methods=["GET", "POST"])
@login_limit
@account_login_limit
def login():
    """Log in with e-mail and password."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = users.authenticate(form.email.data, form.password.data)
        except Unauthorized as exc:
            error = exc.message
        else:
            start_session(user)
            db.session.commit()
            flash("U bent ingelogd.", "success")
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if error else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session on the server and in the browser."""
    if LogoutForm().validate_on_submit():
        end_session()
        db.session.commit()
        flash("U bent uitgelogd.", "success")
    return redirect(url_for("web.login"))


@bp.route("/taal/<lang>", methods=["POST"])
def set_language(lang: str):
    """Switch the interface language (nl or en)."""
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")))


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
