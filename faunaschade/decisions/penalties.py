"""Late decisions (Awb 4:17, 4:18): the farmer's notice of default and the penalty decision.

After the decision term has passed (claims.decision_term) the farmer may give notice of default
(ingebrekestelling). A notice received on or before the term's last day is recorded as premature
and gives no penalty; otherwise the dwangsom runs from the first penalty day F (received + 15
days) up to the day before the decision, at most 42 days (rules.dwangsom, its data with its
source). When the decision is taken, `decide_penalty` fixes the dwangsom in a penalty decision
(Awb 4:18) with its own letter, and the next payment batch pays it as a transfer of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade.audit import chain as audit
from faunaschade.claims import workflow
from faunaschade.claims.decision_term import term_ends_on, term_passed
from faunaschade.clock import today
from faunaschade.errors import Conflict, Forbidden
from faunaschade.extensions import db
from faunaschade.i18n import language
from faunaschade.letters import operations as letters
from faunaschade.models import (
    Claim,
    Decision,
    DefaultNotice,
    LetterKind,
    PenaltyDecision,
    Role,
    User,
)
from faunaschade.models.next_due import DECISION_DUE_STATUSES
from faunaschade.models.penalties import effective_notice, penalty_decision
from faunaschade.money import written_date
from faunaschade.notifications import operations as notifications
from faunaschade.rules import dwangsom


def _penalty(
    notice: DefaultNotice, decided_on: date | None, as_of: date | None
) -> dwangsom.Penalty:
    return dwangsom.calculate(
        dwangsom.PenaltyRequest(
            term_ends_on=notice.term_ends_on,
            notice_received_on=notice.received_on,
            decided_on=decided_on,
            as_of=as_of,
        )
    )


def _day(day: date | None) -> str:
    # A date in words in the reader's language (the API's and the page's).
    return written_date(day, language()) if day else "—"


def send_default_notice(claim: Claim, farmer: User) -> DefaultNotice:
    """The farmer's notice of default, received today; premature while the term runs."""
    if farmer.role != Role.FARMER:
        raise Forbidden(_("Alleen de aanvrager kan de provincie in gebreke stellen."))
    claim = workflow.lock(claim)  # one at a time with a decision being approved
    if claim.status not in DECISION_DUE_STATUSES:
        raise Conflict(
            _(
                "Er is al een besluit op deze aanvraag, of ze is niet in behandeling: een "
                "ingebrekestelling kan niet meer."
            ),
            code="not_awaiting_decision",
        )
    first = effective_notice(claim)
    if first is not None:
        raise Conflict(
            _(
                "U hebt de provincie al in gebreke gesteld: ingebrekestelling %(id)s, ontvangen "
                "op %(day)s; de dwangsom loopt vanaf %(first)s.",
                id=first.id,
                day=_day(first.received_on),
                first=_day(first.first_penalty_day),
            ),
            code="default_notice_exists",
        )
    received = today()
    term_end = term_ends_on(claim, received)
    if term_end is None:  # a claim from before the backstop was kept
        raise Conflict(
            _("Voor deze aanvraag is geen beslistermijn vastgelegd; neem contact op."),
            code="no_decision_term",
        )
    notice = DefaultNotice(
        claim_id=claim.id,
        sent_by=farmer.id,
        received_on=received,
        term_ends_on=term_end,
        premature=True,
        first_penalty_day=None,
    )
    penalty = _penalty(notice, None, received)
    notice.premature, notice.first_penalty_day = penalty.premature, penalty.first_day
    db.session.add(notice)
    db.session.flush()
    if not notice.premature:
        claim.penalty_from = notice.first_penalty_day  # first in the officers' queue
    audit.record(
        "default_notice.received",
        notice,
        actor=farmer,
        claim_id=claim.id,
        data={
            "received_on": received.isoformat(),
            "term_ends_on": term_end.isoformat(),
            "premature": notice.premature,
            "first_penalty_day": (
                notice.first_penalty_day.isoformat() if notice.first_penalty_day else None
            ),
        },
    )
    return notice


def notice_message(notice: DefaultNotice) -> str:
    """What the farmer is told about their notice, in the reader's language."""
    if notice.premature:
        return _(
            "Uw ingebrekestelling is ontvangen op %(day)s, maar de beslistermijn loopt nog tot en "
            "met %(end)s. Ze is daarom voorbarig en geeft geen recht op een dwangsom. Heeft u na "
            "die dag nog geen besluit, dan kunt u de provincie opnieuw in gebreke stellen.",
            day=_day(notice.received_on),
            end=_day(notice.term_ends_on),
        )
    return _(
        "Uw ingebrekestelling is ontvangen op %(day)s. Neemt de provincie niet binnen twee weken "
        "een besluit, dan is zij u vanaf %(first)s een dwangsom verschuldigd voor elke dag dat "
        "het besluit uitblijft (ten hoogste 42 dagen, Awb artikel 4:17).",
        day=_day(notice.received_on),
        first=_day(notice.first_penalty_day),
    )


def decide_penalty(claim: Claim, decision: Decision, officer: User) -> PenaltyDecision | None:
    """The penalty decision (Awb 4:18) when the claim's first decision follows an effective
    notice of default: the same two officers, the decision's date, also when it is € 0.

    Called by decisions.operations.approve_proposal once the decision exists; a decision on
    objection finds the notice already answered and makes none.
    """
    notice = effective_notice(claim)
    if notice is None or penalty_decision(claim) is not None:
        return None
    penalty = _penalty(notice, decision.decided_on, None)
    rule = dwangsom.penalty_rule()
    periods = {f"dagen_{p.first_day}_{p.last_day}": p for p in rule.periods}
    steps: list[dict[str, Any]] = []
    for step in penalty.to_dict()["steps"]:
        period = periods.get(step["code"])
        if period is not None:
            counted = max(0, min(penalty.days, period.last_day) - period.first_day + 1)
            step |= {"days": counted, "per_day": f"{period.per_day:.2f}"}
        steps.append(step)
    number = 1 + len(
        db.session.scalars(
            select(PenaltyDecision.id).where(PenaltyDecision.claim_id == claim.id)
        ).all()
    )
    made = PenaltyDecision(
        claim_id=claim.id,
        notice_id=notice.id,
        decision_id=decision.id,
        kenmerk=f"{claim.reference}-D{number}",
        decided_on=decision.decided_on,
        first_penalty_day=notice.first_penalty_day,
        days=penalty.days,
        amount=penalty.amount,
        steps=steps,
        source=rule.source[:400],
        prepared_by=decision.prepared_by,
        approved_by=decision.approved_by,
    )
    db.session.add(made)
    db.session.flush()
    claim.penalty_from = None  # decided: the dwangsom stopped running
    audit.record(
        "penalty_decision.taken",
        made,
        actor=officer,
        claim_id=claim.id,
        data={
            "kenmerk": made.kenmerk,
            "notice_id": notice.id,
            "decision_id": decision.id,
            "first_penalty_day": made.first_penalty_day.isoformat(),
            "days": made.days,
            "amount": made.amount,
        },
    )
    letters.request_letter(
        claim, LetterKind.PENALTY_DECISION, actor=officer, subject=f"notice-{notice.id}"
    )
    notifications.notify(notifications.NotificationKind.PENALTY_DECISION, claim, actor=officer)
    return made


@dataclass(frozen=True)
class NoticeView:
    """What the claim page shows about notices of default and the dwangsom."""

    term_ends_on: date | None  #: The decision term's last day (None: no term runs).
    can_send: bool  #: The farmer may send a notice now (the term has passed, none effective).
    possible_from: date | None  #: While the term runs: the first day a notice is not premature.
    notices: list[DefaultNotice]  #: Every notice of the claim, oldest first.
    effective: DefaultNotice | None  #: The effective notice, if any.
    running: dwangsom.Penalty | None  #: Undecided with an effective notice: the dwangsom today.
    decided: PenaltyDecision | None  #: The penalty decision, once made.

    @property
    def shown(self) -> bool:
        """Anything to show at all."""
        return bool(self.notices or self.can_send or self.possible_from or self.decided)


def notice_view(claim: Claim, viewer: User) -> NoticeView:
    """The claim page's section on notices of default, for this viewer."""
    on = today()
    notices = list(
        db.session.scalars(
            select(DefaultNotice)
            .where(DefaultNotice.claim_id == claim.id)
            .order_by(DefaultNotice.id)
        )
    )
    effective = next((n for n in notices if not n.premature), None)
    undecided = claim.status in DECISION_DUE_STATUSES
    end = term_ends_on(claim, on)
    passed = term_passed(claim, on)
    farmer = viewer.role == Role.FARMER
    running = None
    if effective is not None and undecided and viewer.role in (Role.OFFICER, Role.AUDITOR):
        running = _penalty(effective, None, on)
    return NoticeView(
        term_ends_on=end,
        can_send=farmer and undecided and passed and effective is None,
        possible_from=(
            end + timedelta(days=1) if farmer and undecided and end and not passed else None
        ),
        notices=notices,
        effective=effective,
        running=running,
        decided=penalty_decision(claim),
    )
