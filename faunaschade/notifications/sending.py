"""Notification e-mails: reload the claim, render templates/mail/<kind>.txt, send over SMTP."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import current_app
from jinja2 import Environment
from sqlalchemy import select

from faunaschade.extensions import db
from faunaschade.jobs.core import job
from faunaschade.models import Claim, ClaimKind, ClaimStatus, Decision, JobRecord, Outcome
from faunaschade.money import dutch_date as dutch_date_words
from faunaschade.money import dutch_moment, format_eur
from faunaschade.notifications.mail import send_email, sender_domain
from faunaschade.notifications.operations import NotificationKind
from faunaschade.provinces import PROVINCES

log = logging.getLogger(__name__)
_ENV_KEY = "faunaschade.mail_templates"


@job("mail.notify", queue="default", timeout=60, retries=3)
def send_notification(kind: str, claim_id: int, notification_id: str) -> None:
    """Send the farmer the e-mail of this kind about this claim (notification_id: its job id)."""
    kind = NotificationKind(kind).value
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        raise LookupError(f"claim {claim_id} does not exist")
    farmer = claim.farmer
    if farmer.erased_at is not None:
        log.info("mail %s for claim %s skipped: personal data erased", kind, claim_id)
        return
    context = claim_context(claim)
    if kind == "decision":
        context |= decision_context(claim)
    subject, text = render(kind, context)
    send_email(farmer.user.email, subject, text, message_id=_message_id(notification_id))
    log.info("mail %s for claim %s sent (job %s)", kind, claim_id, notification_id)


def dutch_date(value: date | None) -> str | None:
    """A date as Dutch words, e.g. "12 maart 2025" (None stays None for the templates)."""
    return dutch_date_words(value) if value else None


def claim_context(claim: Claim) -> dict[str, Any]:
    """Plain values every notification template may use."""
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return {
        "name": claim.farmer.name,
        "reference": claim.reference,
        "province": PROVINCES[claim.province],
        "is_crop": claim.kind == ClaimKind.CROP,
        "leges_due": claim.status == ClaimStatus.AWAITING_PAYMENT and claim.leges > 0,
        "leges": format_eur(claim.leges),
        # A wolf report's moment of discovery, in Dutch time like every time we show.
        "discovered_at": dutch_moment(claim.discovered_at) if claim.discovered_at else None,
        "completion_deadline": dutch_date(claim.completion_deadline),
        "zienswijze_deadline": dutch_date(claim.zienswijze_deadline),
        "decision_target": dutch_date(claim.decision_target),
        "backstop_deadline": dutch_date(claim.backstop_deadline),
        "link": f"{base_url}/aanvragen/{claim.id}",
    }


def decision_context(claim: Claim) -> dict[str, Any]:
    """The claim's current decision as plain values."""
    decision = db.session.scalars(
        select(Decision).where(Decision.claim_id == claim.id).order_by(Decision.version.desc())
    ).first()
    if decision is None:
        raise LookupError(f"claim {claim.id} has no decision to announce")
    return {
        "outcome": decision.outcome.value,
        "granted": decision.outcome in (Outcome.GRANTED, Outcome.PARTIALLY_GRANTED),
        "payout": format_eur(decision.payout) if decision.payout > 0 else None,
        "leges_refund": format_eur(decision.leges_refund) if decision.leges_refund > 0 else None,
        "kenmerk": decision.kenmerk,
        "decided_on": dutch_date(decision.decided_on),
        "objection_deadline": dutch_date(decision.objection_deadline),
        "on_objection": decision.supersedes_id is not None,
    }


def render(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject (the template's `subject` block) and plain-text body of a notification."""
    template = _environment().get_template(f"mail/{kind}.txt")
    subject = "".join(template.blocks["subject"](template.new_context(context)))
    return " ".join(subject.split()), template.render(context).strip() + "\n"


def _environment() -> Environment:
    # Plain text: no HTML escaping, and block tags leave no stray blank lines.
    env = current_app.extensions.get(_ENV_KEY)
    if env is None:
        env = current_app.jinja_env.overlay(autoescape=False, trim_blocks=True, lstrip_blocks=True)
        current_app.extensions[_ENV_KEY] = env
    return env


def _message_id(job_id: str) -> str:
    # Stable across retries (a resent duplicate can be recognised); the job row's creation time
    # keeps it unique between databases that reuse job ids (staging, a restored backup).
    record = db.session.get(JobRecord, job_id)
    stamp = f"{int(record.created_at.timestamp() * 1000):x}" if record else "0"
    return f"<{job_id}.{stamp}@{sender_domain()}>"
