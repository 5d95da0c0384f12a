"""Notification e-mails: reload the claim, render templates/mail/<kind>.txt, send over SMTP.

The e-mail is written in the farmer's language (`users.locale`, set by the language switch
while logged in): Dutch unless they chose English. Letters stay Dutch whatever it is.
"""

from __future__ import annotations

import logging
import re
import textwrap
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import force_locale
from jinja2 import Environment
from sqlalchemy import select

from faunaschade.extensions import db
from faunaschade.jobs.core import job
from faunaschade.models import (
    Claim,
    ClaimKind,
    ClaimStatus,
    Decision,
    JobRecord,
    Objection,
    Outcome,
    PenaltyDecision,
    User,
)
from faunaschade.money import format_eur, written_date, written_moment
from faunaschade.notifications.mail import send_email, sender_domain
from faunaschade.notifications.operations import NotificationKind
from faunaschade.provinces import PROVINCES
from faunaschade.rules import objection_deadline

log = logging.getLogger(__name__)
_ENV_KEY = "faunaschade.mail_templates"
#: The e-mails about an objection (bezwaar); they read the claim's newest objection.
OBJECTION_KINDS = ("objection_receipt", "hearing_invitation", "objection_extension")
MOVED_HEARING = re.compile(r"-objection-[0-9]+-hearing-[0-9]+")


@job("mail.notify", queue="default", timeout=60, retries=3)
def send_notification(
    kind: str, claim_id: int, notification_id: str, recipient_id: int | None = None
) -> None:
    """Send the farmer the e-mail of this kind about this claim (notification_id: its job id);
    with `recipient_id`, the copy for their representative (machtiging)."""
    kind = NotificationKind(kind).value
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        raise LookupError(f"claim {claim_id} does not exist")
    farmer = claim.farmer
    if farmer.erased_at is not None:
        log.info("mail %s for claim %s skipped: personal data erased", kind, claim_id)
        return
    recipient = farmer.user if recipient_id is None else db.session.get(User, recipient_id)
    if recipient is None or not recipient.active:
        log.info("mail %s for claim %s skipped: recipient gone", kind, claim_id)
        return
    language = recipient_language(recipient.locale)
    context = claim_context(claim, language)
    if recipient_id is not None:
        context |= {"name": recipient.display_name, "on_behalf_of": farmer.name}
    if kind == "decision":
        context |= decision_context(claim, language)
    if kind == "penalty_decision":
        context |= penalty_context(claim, language)
    if kind in OBJECTION_KINDS:
        context |= objection_context(claim, language, notification_id)
    subject, text = render(kind, context, language)
    send_email(
        recipient.email,
        subject,
        text,
        message_id=_message_id(notification_id),
        language=language,
    )
    log.info("mail %s for claim %s sent (job %s)", kind, claim_id, notification_id)


def recipient_language(locale: str | None) -> str:
    """The recipient's stored interface language if the service speaks it, else Dutch."""
    languages = current_app.config["LANGUAGES"]
    return locale if locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _day(value: date | None, language: str) -> str | None:
    """A date in words, e.g. "12 maart 2025" or "12 March 2025" (None stays None)."""
    return written_date(value, language) if value else None


def claim_context(claim: Claim, language: str = "nl") -> dict[str, Any]:
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
        "discovered_at": (
            written_moment(claim.discovered_at, language) if claim.discovered_at else None
        ),
        "completion_deadline": _day(claim.completion_deadline, language),
        "zienswijze_deadline": _day(claim.zienswijze_deadline, language),
        "decision_target": _day(claim.decision_target, language),
        "backstop_deadline": _day(claim.backstop_deadline, language),
        "link": f"{base_url}/aanvragen/{claim.id}",
    }


def decision_context(claim: Claim, language: str = "nl") -> dict[str, Any]:
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
        "decided_on": _day(decision.decided_on, language),
        "objection_deadline": _day(decision.objection_deadline, language),
        "on_objection": decision.supersedes_id is not None,
    }


def penalty_context(claim: Claim, language: str = "nl") -> dict[str, Any]:
    """The claim's penalty decision (dwangsom, Awb 4:18) as plain values."""
    made = db.session.scalar(
        select(PenaltyDecision)
        .where(PenaltyDecision.claim_id == claim.id)
        .order_by(PenaltyDecision.id.desc())
    )
    if made is None:
        raise LookupError(f"claim {claim.id} has no penalty decision to announce")
    return {
        "penalty_kenmerk": made.kenmerk,
        "penalty_decided_on": _day(made.decided_on, language),
        "penalty_days": made.days,
        "penalty_amount": format_eur(made.amount),
        "penalty_objection_deadline": _day(objection_deadline(made.decided_on), language),
    }


def objection_context(
    claim: Claim, language: str = "nl", notification_id: str = ""
) -> dict[str, Any]:
    """The claim's newest objection (bezwaar) as plain values: terms and hearing."""
    objection = db.session.scalar(
        select(Objection).where(Objection.claim_id == claim.id).order_by(Objection.id.desc())
    )
    if objection is None:
        raise LookupError(f"claim {claim.id} has no objection to announce")
    decision = db.session.get(Decision, objection.decision_id)
    return {
        "objection_received_on": _day(objection.received_on, language),
        "objection_late": objection.late,
        "objection_period_end": _day(objection.objection_period_end, language),
        "objected_kenmerk": decision.kenmerk if decision else "",
        "decide_by": _day(objection.decide_by, language),
        "extended_until": _day(objection.extended_until, language),
        "extension_reason": objection.extension_reason,
        "hearing_at": (
            written_moment(objection.hearing_at, language) if objection.hearing_at else None
        ),
        "hearing_place": objection.hearing_place,
        "hearing_video_link": objection.hearing_video_link,
        # The invitation to a moved hearing is about "objection-<id>-hearing-<n>" (its letter's
        # subject): told by the job, as the hearing may have moved again before it is sent.
        "hearing_moved": MOVED_HEARING.search(notification_id) is not None,
    }


def render(kind: str, context: dict[str, Any], language: str = "nl") -> tuple[str, str]:
    """Subject (the template's `subject` block) and plain-text body of a notification, in
    `language`; the body's lines are wrapped at 72 characters (links are never broken)."""
    template = _environment().get_template(f"mail/{kind}.txt")
    with force_locale(language):
        subject = "".join(template.blocks["subject"](template.new_context(context)))
        body = template.render(context).strip()
    return " ".join(subject.split()), _wrap(body) + "\n"


def _wrap(text: str) -> str:
    return "\n".join(
        textwrap.fill(line, 72, break_long_words=False, break_on_hyphens=False) if line else ""
        for line in text.splitlines()
    )


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
