"""Koppelingen (event notifications) for the admin: subscribers, their deliveries, retry."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from faunaschade.access import roles_required
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.events import subscribers as service
from faunaschade.events.secret_box import SecretUnreadable, seal, unseal
from faunaschade.events.types import EVENT_TYPES
from faunaschade.models import DeliveryStatus, Role
from faunaschade.web.use_case import Failed, run
from faunaschade.web.vocab import translated

bp = Blueprint("events_web", __name__)
admin_only = roles_required(Role.ADMIN)
#: The session key holding a secret to show once on the next page.
_SHOW_SECRET = "events_secret_once"


def _form_data() -> dict[str, Any]:
    return {
        "name": request.form.get("name", "")[:500],
        "url": request.form.get("url", "")[:5000],
        "event_types": request.form.getlist("event_types")[:100],
        "active": request.form.get("active") == "on",
    }


def _show_once(subscriber_id: int, secret: str) -> None:
    # The session is a signed cookie, readable by whoever holds it: the secret goes in sealed.
    session[_SHOW_SECRET] = {"id": subscriber_id, "sealed": seal(secret)}


def _page(template: str, **context: Any) -> str:
    return render_template(
        template,
        event_types=translated(EVENT_TYPES),
        statuses=[s.value for s in DeliveryStatus],
        **context,
    )


@bp.route("/koppelingen", methods=["GET", "POST"])
@admin_only
def subscribers():
    """The subscribers with their delivery counts, and the form to register one."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"name": "", "url": "", "event_types": [], "active": True}
    if request.method == "POST":
        values = _form_data()

        def create():
            subscriber, secret = service.create_subscriber(values, current_user)
            _show_once(subscriber.id, secret)
            return subscriber

        outcome = run(
            create,
            done=lambda s: _("Koppeling %(name)s is geregistreerd.", name=s.name),
            redirect=lambda s: url_for("events_web.subscriber", subscriber_id=s.id),
            expected=(ValidationFailed,),
        )
        if not isinstance(outcome, Failed):
            return outcome
        session.pop(_SHOW_SECRET, None)
        errors = outcome.fields
    return _page(
        "events/subscribers.html",
        views=service.subscribers_with_counts(),
        values=values,
        errors=errors,
    ), 422 if errors else 200


def _secret_once(subscriber_id: int) -> str | None:
    shown = session.pop(_SHOW_SECRET, None)
    if not shown or shown.get("id") != subscriber_id or "sealed" not in shown:
        return None
    try:
        return unseal(shown["sealed"])
    except SecretUnreadable:
        return None


@bp.route("/koppelingen/<int:subscriber_id>", methods=["GET", "POST"])
@admin_only
def subscriber(subscriber_id: int):
    """One subscriber: its settings (to change), its secret once, its latest deliveries."""
    found = service.subscriber_or_404(subscriber_id)
    errors: dict[str, list[str]] = {}
    values = {
        "name": found.name,
        "url": found.url,
        "event_types": found.event_types,
        "active": found.active,
    }
    if request.method == "POST":
        values = _form_data()
        outcome = run(
            lambda: service.update_subscriber(found, values, current_user),
            done=_("De koppeling is gewijzigd."),
            redirect=url_for("events_web.subscriber", subscriber_id=subscriber_id),
            expected=(ValidationFailed,),
        )
        if not isinstance(outcome, Failed):
            return outcome
        errors = outcome.fields
    wanted = request.args.get("status", "")
    status = DeliveryStatus(wanted) if wanted in {s.value for s in DeliveryStatus} else None
    return _page(
        "events/subscriber.html",
        subscriber=found,
        secret=_secret_once(subscriber_id),
        deliveries=service.deliveries_of(found, status),
        status=status.value if status else "",
        values=values,
        errors=errors,
    ), 422 if errors else 200


@bp.route("/koppelingen/<int:subscriber_id>/geheim", methods=["POST"])
@admin_only
def replace_secret(subscriber_id: int):
    """Give the subscriber a new secret, shown once on its page."""
    found = service.subscriber_or_404(subscriber_id)

    def replace():
        _show_once(found.id, service.replace_secret(found, current_user))
        return found

    return run(
        replace,
        done=_("De koppeling heeft een nieuw geheim. Het oude werkt niet meer."),
        redirect=url_for("events_web.subscriber", subscriber_id=subscriber_id),
    )


@bp.route("/koppelingen/afleveringen/<int:delivery_id>/opnieuw", methods=["POST"])
@admin_only
def retry(delivery_id: int):
    """Try a failed delivery again."""
    delivery = service.delivery_or_404(delivery_id)
    back = url_for("events_web.subscriber", subscriber_id=delivery.subscriber_id)
    return run(
        lambda: service.retry(delivery, current_user),
        done=_("De aflevering wordt opnieuw geprobeerd."),
        redirect=back,
        back=back,
        expected=(Conflict,),
    )
