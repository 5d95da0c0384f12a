"""Login, logout and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from faunaschade.access import login_required
from faunaschade.accounts import users
from faunaschade.errors import Unauthorized
from faunaschade.security import account_login_limit, end_session, login_limit, start_session
from faunaschade.web.forms import LoginForm, LogoutForm
from faunaschade.web.use_case import Failed, run

bp = Blueprint("accounts_web", __name__)


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a phishing link bounce through us.
    if target and target.startswith("/") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("web.index")


@bp.route("/login", methods=["GET", "POST"])
@login_limit
@account_login_limit
def login():
    """Log in with e-mail and password."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        outcome = run(
            lambda: start_session(users.authenticate(form.email.data, form.password.data)),
            done=_("U bent ingelogd."),
            redirect=_safe_next(request.args.get("next")),
            expected=Unauthorized,
        )
        if not isinstance(outcome, Failed):
            return outcome
        error = outcome.error.message
    status = 401 if error else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session on the server and in the browser."""
    if LogoutForm().validate_on_submit():
        return run(
            end_session, done=_("U bent uitgelogd."), redirect=url_for(".login"), expected=()
        )
    return redirect(url_for(".login"))


@bp.route("/taal/<lang>", methods=["POST"])
def set_language(lang: str):
    """Switch the interface language (nl or en); a logged-in user's choice is stored with the
    account, so that the next login and the e-mails use it too."""
    back = _safe_next(request.form.get("next"))
    if lang not in current_app.config["LANGUAGES"]:
        return redirect(back)
    session["lang"] = lang
    if not current_user.is_authenticated:
        return redirect(back)
    return run(lambda: users.set_locale(current_user, lang), redirect=back, expected=())
