"""One seeded claim's history, step by step as the services would have written it.

A story runs from the draft to wherever the claim would be today: every step has a date, and a
step after `now` (or after the status a claim is steered to) ends the story. Rows go into the
chunk's `rows`, audit events into `events`; amounts come from the rules engine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from faunaschade import rules
from faunaschade.claims.workflow import TRANSITIONS
from faunaschade.clock import AMSTERDAM, local_day
from faunaschade.models import ClaimStatus, Outcome
from faunaschade.provinces import PROVINCE_CODES
from faunaschade.seed.sampling import Skeleton
from faunaschade.seed.writer import Event

S = ClaimStatus
ZERO = Decimal("0.00")
REJECTED = (Outcome.REJECTED, Outcome.NOT_PROCESSED)


class End(Exception):
    """The story stops here: the next step lies after today, or the steered status is reached."""


@dataclass
class Path:
    """The turns a claim's story takes, drawn once per claim."""

    abandon_draft: bool = False
    abandon_payment: bool = False
    withdraw_at: ClaimStatus | None = None
    incomplete: bool = False
    completes: bool = True
    objection: bool = False
    reduction_pct: Decimal = Decimal("0")
    fast: bool = False
    stop_at: ClaimStatus | None = None


def draw_path(rng: random.Random, sk: Skeleton) -> Path:
    """Random turns, or the plain fast road to the steered status."""
    if sk.forced is not None:
        return Path(
            abandon_draft=sk.forced == S.DRAFT,
            abandon_payment=sk.forced == S.AWAITING_PAYMENT,
            withdraw_at=S.SUBMITTED if sk.forced == S.WITHDRAWN else None,
            incomplete=sk.forced == S.INCOMPLETE,
            objection=sk.forced == S.OBJECTION,
            fast=True,
            stop_at=sk.forced,
        )
    withdraw = rng.random() < 0.025
    return Path(
        abandon_draft=rng.random() < 0.008,
        abandon_payment=rng.random() < 0.004,
        withdraw_at=rng.choice(
            (
                S.DRAFT,
                S.AWAITING_PAYMENT,
                S.SUBMITTED,
                S.SUBMITTED,
                S.INCOMPLETE,
                S.ASSESSMENT_ORDERED,
            )
        )
        if withdraw
        else None,
        incomplete=rng.random() < 0.06,
        completes=rng.random() < 0.85,
        objection=rng.random() < 0.03,
        reduction_pct=Decimal(rng.choice((10, 15, 25))) if rng.random() < 0.04 else Decimal(0),
    )


def moment(rng: random.Random, day: date, hours: tuple[int, int] = (8, 17)) -> datetime:
    """A time on `day` during Dutch office hours, in UTC."""
    minute = rng.randrange(hours[0] * 60, hours[1] * 60)
    local = datetime(
        day.year,
        day.month,
        day.day,
        minute // 60,
        minute % 60,
        rng.randrange(60),
        rng.randrange(1_000_000),
        tzinfo=AMSTERDAM,
    )
    return local.astimezone(UTC)


def outcome_of(result: rules.Result, reject: bool, reduction_pct: Decimal) -> Outcome:
    """As decisions.operations: rejected without payout, partial with a reduction or exclusion."""
    if reject or not result.eligible or result.payout == 0:
        return Outcome.REJECTED
    excluded = any(step.code == "component_excluded" for step in result.steps)
    return Outcome.PARTIALLY_GRANTED if reduction_pct > 0 or excluded else Outcome.GRANTED


class Story:
    """Writes one claim's rows and events; `run()` ends by raising or returning at the end."""

    def __init__(self, builder: Any, sk: Skeleton, claim: dict[str, Any], path: Path) -> None:
        self.b, self.sk, self.claim, self.path = builder, sk, claim, path
        self.rng: random.Random = builder.rng
        self.status = S.DRAFT
        self.officers = self.rng.sample(builder.staff.officers[sk.province], 2)

    # -- time ---------------------------------------------------------------------------------
    def days(self, low: int, high: int) -> int:
        return low if self.path.fast else self.rng.randint(low, high)

    def later(self, when: datetime, low: int, high: int) -> datetime:
        """A moment `low`–`high` days after `when` (office hours)."""
        return moment(self.rng, local_day(when) + timedelta(days=self.days(low, high)))

    def due(self, when: datetime) -> datetime:
        """Ends the story when `when` has not come yet."""
        if when > self.b.now:
            raise End
        return when

    # -- events -------------------------------------------------------------------------------
    def event(self, when: datetime, action: str, kind: str, object_id: int | None, **kw) -> None:
        self.b.push(Event(when, action, kind, object_id, claim_id=self.claim["id"], **kw))
        self.claim["updated_at"] = max(self.claim["updated_at"], when)

    def step(self, to: ClaimStatus, when: datetime, actor: int | None, **kw: Any) -> None:
        """The transition, recorded as workflow.transition() records it."""
        start = self.status
        reason = kw.pop("reason", None) or TRANSITIONS[(start, to)]
        self.event(
            when + timedelta(microseconds=1),
            "claim.transition",
            "claim",
            self.claim["id"],
            actor_id=actor,
            from_status=start.value,
            to_status=to.value,
            reason=reason,
            **kw,
        )
        self.status = self.claim["status"] = to
        if self.path.stop_at == to:
            raise End

    def maybe_withdraw(self, since: datetime) -> None:
        if self.path.withdraw_at != self.status:
            return
        when = self.due(self.later(since, 1, 15))
        for payment in self.b.open_payments.pop(self.claim["id"], []):
            payment["status"] = "cancelled"
        self.step(S.WITHDRAWN, when, self.b.farmer_user(self.claim))
        raise End

    # -- the decision -------------------------------------------------------------------------
    def decide(
        self,
        proposed: datetime,
        result: rules.Result,
        *,
        reject: bool = False,
        not_processed: bool = False,
        reduction_pct: Decimal = Decimal("0"),
        previous: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Officer A proposes, officer B approves a few days later (four eyes)."""
        b, claim = self.b, self.claim
        a_id, b_id = self.officers
        outcome = (
            Outcome.NOT_PROCESSED if not_processed else outcome_of(result, reject, reduction_pct)
        )
        reasons = ["not_processed"] if not_processed else list(result.rejection_reasons)
        proposal = {
            "id": b.ids["proposals"](),
            "claim_id": claim["id"],
            "proposed_by": a_id,
            "approved_by": None,
            "outcome": outcome,
            "reasons": reasons if outcome in REJECTED else [],
            "reduction_pct": reduction_pct,
            "motivation": "Korting wegens onvoldoende onderbouwing van de opbrengst."
            if reduction_pct
            else "",
            "calculation": result.to_dict(),
            "rule_set_version": result.rule_set,
            "status": "open",
            "send_back_reason": None,
            "version": 1,
            "created_at": proposed,
        }
        b.rows["proposals"].append(proposal)
        payout = ZERO if outcome in REJECTED else result.payout
        self.event(
            proposed,
            "proposal.created",
            "proposal",
            proposal["id"],
            actor_id=a_id,
            data={
                "outcome": outcome.value,
                "payout": payout,
                "rule_set": result.rule_set,
                "reduction_pct": reduction_pct,
            },
        )
        if self.status in (S.ASSESSED, S.SUBMITTED):
            self.step(S.PROPOSED, proposed, a_id, data={"proposal_id": proposal["id"]})
        decided = self.due(self.later(proposed, 1, 6))
        day = local_day(decided)
        version = previous["version"] + 1 if previous else 1
        keep = outcome not in REJECTED
        decision = {
            "id": b.ids["decisions"](),
            "claim_id": claim["id"],
            "proposal_id": proposal["id"],
            "version": version,
            "kenmerk": f"{claim['reference']}-B{version}",
            "decided_on": day,
            "outcome": outcome,
            "assessed_damage": result.assessed_damage,
            "own_risk": result.own_risk if keep else ZERO,
            "supplement": result.supplement if keep else ZERO,
            "reduction": result.reduction if keep else ZERO,
            "payout": payout,
            "leges_refund": result.leges_refund,
            "objection_deadline": rules.objection_deadline(day),
            "prepared_by": a_id,
            "approved_by": b_id,
            "supersedes_id": previous["id"] if previous else None,
            "superseded_at": None,
            "created_at": decided,
        }
        proposal["status"], proposal["approved_by"] = "approved", b_id
        if previous:
            previous["superseded_at"] = decided
        b.rows["decisions"].append(decision)
        self.event(
            decided,
            "decision.taken",
            "decision",
            decision["id"],
            actor_id=b_id,
            data={
                "kenmerk": decision["kenmerk"],
                "outcome": outcome.value,
                "payout": payout,
                "version": version,
                "rule_set": result.rule_set,
                "supersedes": previous["id"] if previous else None,
            },
        )
        if previous is not None:
            # The seeded objection drops a reduction: deels gegrond when that changed the amount.
            changed = decision["payout"] != previous["payout"]
            self.b.settle_objection(
                claim["id"], decision["id"], "deels_gegrond" if changed else "ongegrond"
            )
        self.step(S.DECIDED, decided, b_id, data={"decision_id": decision["id"]})
        return decision

    def object_and_pay(self, decision: dict[str, Any], case: Any) -> None:
        """An objection now and then (answered by a new decision), then the payment batch."""
        if self.path.objection:
            filed = self.due(self.later(decision["created_at"], 3, 12))
            objection_id = self.b.objection(self.claim, decision, filed)
            self.event(
                filed,
                "objection.filed",
                "objection",
                objection_id,
                actor_id=self.b.farmer_user(self.claim),
                data={"decision": decision["kenmerk"]},
            )
            self.step(S.OBJECTION, filed, self.b.farmer_user(self.claim))
            proposed = self.due(self.later(filed, 30, 90))
            # The objection is heard; a reduction is dropped, otherwise the decision stands.
            result = rules.calculate(case(Decimal("0")))
            decision = self.decide(
                proposed, result, reject=decision["outcome"] in REJECTED, previous=decision
            )
        if decision["payout"] <= 0 and decision["leges_refund"] <= 0:
            return
        batch_day = next_batch_day(decision["decided_on"] + timedelta(days=10))
        paid = self.due(batch_paid_at(self.claim["province"], batch_day))
        batch_id, built_by = self.b.batches.add(self.claim, decision, batch_day)
        if decision["payout"] > 0:
            amounts = {"payout": decision["payout"]}
            if decision["leges_refund"] > 0:
                amounts["leges_refund"] = decision["leges_refund"]
            self.step(
                S.PAID,
                paid,
                built_by,
                data={"batch_id": batch_id, "decision_id": decision["id"], **amounts},
            )


def batch_paid_at(province: str, day: date) -> datetime:
    """When the province's batch of `day` was marked paid (the claims in it move to paid)."""
    minute = 15 * 60 + sorted(PROVINCE_CODES).index(province) * 4
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=AMSTERDAM).astimezone(UTC)


def next_batch_day(day: date) -> date:
    """Payment batches run on the 5th and the 20th of every month."""
    for _ in range(40):
        if day.day in (5, 20):
            return day
        day += timedelta(days=1)
    raise AssertionError("unreachable")
