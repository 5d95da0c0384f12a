"""The plain-valued content of a delay notice (verdagingsbericht, Awb 4:14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from faunaschade.clock import local_day
from faunaschade.models import Claim, Letter


@dataclass(frozen=True)
class DelayNotice:
    """Verdagingsbericht."""

    submitted_on: date | None  #: When the claim was received.
    backstop: date | None  #: The term that will not be met.
    expected_on: date | None  #: When the decision will follow at the latest.


def delay_notice(letter: Letter, claim: Claim) -> DelayNotice:
    """The delay notice's specific part."""
    return DelayNotice(
        submitted_on=local_day(claim.submitted_at) if claim.submitted_at else None,
        backstop=claim.backstop_deadline,
        expected_on=claim.decision_target,
    )
