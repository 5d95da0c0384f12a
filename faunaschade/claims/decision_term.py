"""When the decision term ends: the one answer for a claim still waiting for its decision.

The Awb term (beslistermijn) is the backstop of 8 weeks after receipt (Awb 4:13), or the date a
delay notice announced (Awb 4:14), moved on by the days a completion request was open (Awb
4:15: the term stands still from the request until the claim is completed or the completion term
has passed). `complete_claim` moves `backstop_deadline` and `term_extended_to` on when the
request ends; while a request is still open, the days it has stood still so far are added here.
"""

from __future__ import annotations

from datetime import date, timedelta

from faunaschade.clock import today
from faunaschade.models import Claim, ClaimStatus
from faunaschade.models.completion_requests import completion_request
from faunaschade.models.next_due import DECISION_DUE_STATUSES


def term_ends_on(claim: Claim, on: date | None = None) -> date | None:
    """The last day of the decision term as it stands on `on` (default today); None when no
    term runs (not received yet, or decided)."""
    if claim.status not in DECISION_DUE_STATUSES or claim.backstop_deadline is None:
        return None
    end = max(claim.backstop_deadline, claim.term_extended_to or claim.backstop_deadline)
    if claim.status == ClaimStatus.INCOMPLETE:
        request = completion_request(claim)
        if request is not None:
            stop = min(on or today(), request.deadline)
            end += timedelta(days=max((stop - request.requested_on).days, 0))
    return end


def term_passed(claim: Claim, on: date | None = None) -> bool:
    """The term has passed without a decision (a notice of default is no longer premature)."""
    end = term_ends_on(claim, on)
    return end is not None and (on or today()) > end
