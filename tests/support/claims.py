"""A claim brought to a status through the domain functions, from an assessed claim onwards."""

from __future__ import annotations

from faunaschade.decisions import objections
from faunaschade.decisions import operations as decisions
from faunaschade.extensions import db
from faunaschade.models import Claim
from tests.support.decisions import assessed_claim

#: The statuses claim_in_status reaches, in their order: each one through the step before it.
CLAIM_STATUSES = ("assessed", "proposed", "decided", "objection")


def claim_in_status(status: str, people: dict, *, session=None, **options) -> Claim:
    """A claim of people["farmer"], assessed by people["assessor"]; officer people["a"]
    proposes and officer people["b"] approves (people as from `drenthe_people("a", "b")`).

    `options` go to `assessed_claim` (province, species, damage, …)."""
    if status not in CLAIM_STATUSES:
        raise ValueError(f"claim_in_status reaches {', '.join(CLAIM_STATUSES)}, not {status!r}")
    session = session or db.session
    claim = assessed_claim(session, people["farmer"], people["a"], people["assessor"], **options)
    steps = CLAIM_STATUSES[1 : CLAIM_STATUSES.index(status) + 1]
    if "proposed" in steps:
        proposal = decisions.propose_decision(claim, people["a"])
        session.flush()
    if "decided" in steps:
        decisions.approve_proposal(proposal, people["b"])
        session.flush()
    if "objection" in steps:
        objections.file_objection(claim, people["farmer"], "Te weinig vergoed.")
        session.flush()
    return claim
