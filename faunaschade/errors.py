"""One exception hierarchy and one error envelope: JSON for the API, HTML pages for browsers."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from faunaschade.extensions import db
from faunaschade.i18n import N_, translate
from faunaschade.rules.fields import flatten_errors as flatten_messages

log = logging.getLogger(__name__)


class AppError(Exception):
    """Base of every error the application raises on purpose."""

    status = 400
    code = "bad_request"
    default_message = N_("De aanvraag is ongeldig.")

    def __init__(
        self, message: str | None = None, *, fields: dict[str, Any] | None = None, code: str = ""
    ) -> None:
        # The default message is translated when the error is made (in a request: the page's
        # language; elsewhere Dutch).
        message = message or translate(self.default_message)
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(AppError):
    """Input of the right shape that breaks a rule; names the field."""

    status = 422
    code = "validation_error"
    default_message = N_("Een of meer velden zijn ongeldig.")


class Unauthorized(AppError):
    """Not logged in, or a bad token."""

    status = 401
    code = "unauthorized"
    default_message = N_("Log in om verder te gaan.")


class Forbidden(AppError):
    """Logged in, but this role may not do this."""

    status = 403
    code = "forbidden"
    default_message = N_("U mag deze handeling niet uitvoeren.")


class NotFound(AppError):
    """Does not exist, or is outside the user's scope (never say which)."""

    status = 404
    code = "not_found"
    default_message = N_("Niet gevonden.")


class Conflict(AppError):
    """The object's state does not allow this now."""

    status = 409
    code = "conflict"
    default_message = N_("Dit kan in de huidige toestand niet.")


class InvalidTransition(Conflict):
    """A status change that the workflow table does not allow."""

    code = "invalid_transition"


class ServiceUnavailable(AppError):
    """A backing service (database, Redis) is not reachable; nothing was stored."""

    status = 503
    code = "service_unavailable"
    default_message = N_("De dienst is tijdelijk niet beschikbaar. Er is niets opgeslagen.")


class CommitOutcomeUnknown(ServiceUnavailable):
    """The database went away during COMMIT: the change may or may not be stored."""

    code = "outcome_unknown"
    default_message = N_(
        "De verbinding met de database viel weg tijdens het opslaan. Of uw wijziging is "
        "opgeslagen, is niet zeker: kijk het na voordat u het opnieuw probeert."
    )


def wants_json() -> bool:
    """API paths and clients that ask for JSON get the JSON envelope."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, code: str, message: str, fields: dict[str, Any] | None = None):
    """Render the envelope {"error": {code, message, fields}} or the HTML error page."""
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), status
    page = status if status in (400, 401, 403, 404, 409, 413, 422, 429, 500, 503) else 500
    html = render_template("errors/error.html", status=page, message=message, fields=fields)
    return html, status


def _field_messages(messages: Any) -> dict[str, list[str]]:
    """Drop webargs' {"json": {...}} location level, then flatten."""
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "form", "files"}:
        merged: dict[str, list[str]] = {}
        for part in messages.values():
            merged.update(flatten_messages(part))
        return merged
    return flatten_messages(messages)


def handle_app_error(exc: AppError):
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


#: Our words for Werkzeug's standard answers (Dutch message ids).
_GENERIC = {
    400: N_("Het verzoek is ongeldig."),
    404: N_("Deze pagina bestaat niet (meer)."),
    405: N_("Deze handeling kan hier niet."),
    415: N_("Dit soort inhoud wordt hier niet aangenomen."),
}


def handle_http_exception(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    status = exc.code or 500
    if status == 422 and "messages" in data:
        fields = translate(_field_messages(data["messages"]))
        names = ", ".join(sorted(fields))
        return error_response(
            422, "validation_error", _("Ongeldige invoer: %(names)s.", names=names), fields
        )
    codes = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        429: "rate_limited",
        415: "unsupported_media_type",
    }
    message = exc.description or exc.name
    if exc.description == type(exc).description and status in _GENERIC:
        message = _(_GENERIC[status])  # Werkzeug's own descriptions are English
    if status == 400 and "CSRF" in (exc.description or ""):
        message = _("De sessie van dit formulier is verlopen. Laad de pagina opnieuw.")
    if status == 413:
        message = _("Het verzoek is te groot om te verwerken.")
    return error_response(status, codes.get(status, "http_error"), message)


def handle_stale(exc: StaleDataError):
    db.session.rollback()
    return error_response(409, "conflict", _("Iemand anders heeft dit intussen gewijzigd."))


def handle_integrity(exc: IntegrityError):
    db.session.rollback()
    return error_response(
        409, "conflict", _("Dit is intussen al gebeurd of botst met bestaande gegevens.")
    )


def handle_database_down(exc: OperationalError):
    db.session.rollback()
    log.warning("database unavailable: %s", type(exc.orig).__name__)
    return error_response(503, ServiceUnavailable.code, _(ServiceUnavailable.default_message))


def handle_unexpected(exc: Exception):
    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", _("Er ging iets mis aan onze kant."))


def register(app: Flask) -> None:
    """Install the handlers (after flask-smorest, so these win)."""
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(IntegrityError, handle_integrity)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(Exception, handle_unexpected)
