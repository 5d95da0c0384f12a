"""Builds the rows of seeded claims: the claim, its assessment, decisions, payments, events."""

from __future__ import annotations

import contextlib
import heapq
import random
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from faunaschade import rules
from faunaschade.clock import AMSTERDAM, local_day
from faunaschade.decisions import objections
from faunaschade.extensions import db
from faunaschade.models import ClaimKind, ClaimStatus
from faunaschade.seed import damage, profile
from faunaschade.seed.batches import Batches
from faunaschade.seed.people import Farmer, Farmers, Staff
from faunaschade.seed.sampling import Skeleton
from faunaschade.seed.story import End, Story, draw_path, moment
from faunaschade.seed.writer import Event, Ids

S = ClaimStatus
#: As claims.completion: the farmer has ten working days to complete a claim.
COMPLETION_WORKING_DAYS = 10
ID_TABLES = (
    "claims",
    "payments",
    "assessments",
    "proposals",
    "decisions",
    "objections",
    "payment_batches",
)


class Builder:
    """Turns skeletons into rows, chunk by chunk; events wait in a heap until their time."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        staff: Staff,
        farmers: Farmers,
        session,
        sequences: Connection | None = None,
    ) -> None:
        self.rng, self.now, self.staff, self.farmers = rng, now, staff, farmers
        self.ids = {name: Ids(session, db.metadata.tables[name], sequences) for name in ID_TABLES}
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.heap: list[tuple[datetime, int, Event]] = []
        self._serial = 0
        self.open_payments: dict[int, list[dict[str, Any]]] = {}
        self._objections: dict[int, dict[str, Any]] = {}
        self.batches = Batches(rng, staff, farmers, self.ids["payment_batches"], self.push)
        self._farmer_users: dict[int, int] = {}

    # -- shared services for the stories --------------------------------------------------------
    def push(self, event: Event) -> None:
        self._serial += 1
        heapq.heappush(self.heap, (event.occurred_at, self._serial, event))

    def pop_until(self, limit: datetime | None) -> list[Event]:
        """Events before `limit` (all when None), in time order."""
        ready = []
        while self.heap and (limit is None or self.heap[0][0] < limit):
            ready.append(heapq.heappop(self.heap)[2])
        return ready

    def farmer_user(self, claim: dict[str, Any]) -> int:
        return self._farmer_users[claim["id"]]

    def objection(self, claim: dict[str, Any], decision: dict[str, Any], filed: datetime) -> int:
        received = local_day(filed)
        period_end = decision["objection_deadline"]
        row = {
            "id": self.ids["objections"](),
            "claim_id": claim["id"],
            "decision_id": decision["id"],
            "text": "Ik ben het niet eens met de korting en de getaxeerde opbrengst.",
            "attachment_id": None,
            "status": "open",
            "submitted_by": self.farmer_user(claim),
            "resulting_decision_id": None,
            "created_at": filed,
            "received_on": received,
            "objection_period_end": period_end,
            "late": received > period_end,
            "decide_by": objections.decide_by(period_end, received),
            "extended_until": None,
            "extension_reason": None,
            "hearing_at": None,
            "hearing_place": None,
            "hearing_video_link": None,
            "hearing_report": None,
            "outcome": None,
        }
        self.rows["objections"].append(row)
        self._objections[claim["id"]] = row
        return row["id"]

    def settle_objection(self, claim_id: int, decision_id: int, outcome: str) -> None:
        row = self._objections.pop(claim_id)
        row["status"], row["resulting_decision_id"] = "decided", decision_id
        row["outcome"] = outcome

    # -- one claim ------------------------------------------------------------------------------
    def build(self, sk: Skeleton) -> None:
        farmer = self.farmers.pick(sk.province)
        claim_id = self.ids["claims"]()
        self._farmer_users[claim_id] = farmer.user_id
        rule_set = rules.rule_set_for(sk.province, sk.day)
        livestock = sk.kind == "livestock"
        claim = {
            "id": claim_id,
            "reference": f"FS-{sk.day.year}-{claim_id:06d}",
            "farmer_id": farmer.profile_id,
            "province": sk.province,
            "kind": ClaimKind.LIVESTOCK if livestock else ClaimKind.CROP,
            "status": S.DRAFT,
            "crop": sk.crop,
            "discovered_on": sk.day,
            "discovered_at": None,
            "submitted_at": None,
            "preventive_measures": [],
            "wolf_finding": None,
            "description": "",
            "leges": rule_set.livestock.leges if livestock else rule_set.leges.amount,
            "submission_deadline": None,
            "completion_deadline": None,
            "zienswijze_deadline": None,
            "decision_target": None,
            "backstop_deadline": None,
            "version": 1,
        }
        self.rows["claims"].append(claim)
        self.rows["claim_species"].extend({"claim_id": claim_id, "species": s} for s in sk.species)
        story = Story(self, sk, claim, draw_path(self.rng, sk))
        flow = self._livestock if livestock else self._crop
        with contextlib.suppress(End):  # the story ends where the claim is today
            flow(story, farmer)

    def _crop(self, story: Story, farmer: Farmer) -> None:
        rng, sk, claim = self.rng, story.sk, story.claim
        lines_wanted = rng.choices((1, 2, 3, 4), (50, 30, 15, 5))[0]
        parcels = self.farmers.parcels_for(farmer, sk.crop, lines_wanted, self.now)
        areas = []
        for parcel_id, area in parcels:
            area_type = damage.area_type(rng, sk)
            share = 0.9 if story.path.fast else rng.uniform(0.15, 0.9)
            damaged = max(Decimal("0.1000"), (area * Decimal(share)).quantize(Decimal("0.0001")))
            areas.append((parcel_id, area_type, damaged))
            self.rows["claim_parcels"].append(
                {
                    "claim_id": claim["id"],
                    "parcel_id": parcel_id,
                    "damaged_area_ha": damaged,
                    "area_type": area_type,
                }
            )
        exempt = sk.crop == "blijvend_grasland"
        claim["preventive_measures"] = (
            (["acoustic", "visual"] if rng.random() < 0.93 else rng.choice((["visual"], [])))
            if not exempt or rng.random() < 0.5
            else []
        )
        claim["submission_deadline"] = rules.submission_deadline(sk.day)
        late_days = rng.choices((range(0, 7), range(8, 15)), (96, 4))[0]
        submit_day = rules.add_working_days(sk.day, 0 if story.path.fast else rng.choice(late_days))
        submitted = moment(rng, submit_day)
        created = submitted - timedelta(minutes=rng.randint(5, 60 * 30))
        if local_day(created) < sk.day:
            created = submitted - timedelta(minutes=5)
        if created > self.now:  # still being written today: a draft made a little while ago
            start = datetime.combine(sk.day, datetime.min.time(), tzinfo=AMSTERDAM)
            created = max(start, self.now - timedelta(minutes=rng.randint(5, 600)))
        received = self._file(story, created, submitted)
        rule_set = rules.rule_set_for(sk.province, sk.day)
        excluded = all(rule_set.exclusion(s, sk.day) for s in sk.species)
        submitted_on = local_day(claim["submitted_at"])

        def case(components, measures):
            return lambda pct: {
                "province": sk.province,
                "kind": "crop",
                "crop": sk.crop,
                "discovered_on": sk.day.isoformat(),
                "submitted_on": submitted_on.isoformat(),
                "preventive_measures": sorted(set(measures)),
                "components": components,
                "reduction_pct": str(pct),
                "own_risk_borne_this_year": "0.00",
            }

        bare = case(damage.claim_components(sk.species, areas), claim["preventive_measures"])
        received = self._completion(story, received, bare)
        if submit_day > claim["submission_deadline"] or excluded:
            proposed = story.due(story.later(received, 5, 25))
            decision = story.decide(proposed, rules.calculate(bare(0)), reject=True)
            story.object_and_pay(decision, bare)
            return
        assessment, report = self._assessment(story, received)
        lines = damage.report_lines(rng, sk, assessment["id"], areas, generous=story.path.fast)
        self.rows["assessment_lines"].extend(lines)
        measures = sorted(
            set(claim["preventive_measures"])
            | ({"acoustic", "visual"} if rng.random() < 0.5 else set())
        )
        assessment["preventive_measures_observed"] = measures
        full = case(damage.line_components(lines), measures)
        counted = [x["assessed_damage"] for x in lines if not x["harvested_before_assessment"]]
        self._assessed(story, assessment, report, lines, sum(counted, Decimal("0.00")))
        self._propose_and_decide(story, report, full)

    def _livestock(self, story: Story, farmer: Farmer) -> None:
        rng, sk, claim = self.rng, story.sk, story.claim
        found = moment(rng, sk.day, (5, 10))
        late = rng.random() < 0.05
        reported = found + timedelta(hours=rng.uniform(26, 60) if late else rng.uniform(1, 20))
        claim["discovered_at"] = found
        claim["wolf_finding"] = damage.weighted(rng, profile.WOLF_FINDINGS)
        claim["preventive_measures"] = ["fencing"] if rng.random() < 0.6 else []
        claim["submission_deadline"] = local_day(rules.livestock_deadline(found))
        received = self._file(story, found + timedelta(minutes=rng.randint(10, 50)), reported)
        assessment, report = self._assessment(story, received, (1, 3), (2, 10))
        rows, items = damage.animals(rng, sk, assessment["id"])
        self.rows["livestock_items"].extend(rows)

        def case(pct):
            return {
                "province": sk.province,
                "kind": "livestock",
                "discovered_at": found.isoformat(),
                "reported_at": reported.isoformat(),
                "wolf_finding": claim["wolf_finding"],
                "reduction_pct": str(pct),
                "components": [{"species": sk.species[0], "area_type": "regular", "items": items}],
            }

        total = sum((Decimal(item["amount"]) for item in items), Decimal("0.00"))
        self._assessed(story, assessment, report, items, total)
        self._propose_and_decide(story, report, case)

    # -- steps shared by both kinds ---------------------------------------------------------------
    def _file(self, story: Story, created: datetime, submitted: datetime) -> datetime:
        """Draft, submission and leges; returns when the claim was received in full."""
        claim, farmer = story.claim, self.farmer_user(story.claim)
        claim["created_at"] = claim["updated_at"] = created
        story.event(
            created, "claim.created", "claim", claim["id"], actor_id=farmer, to_status="draft"
        )
        if story.path.abandon_draft:
            raise End
        story.maybe_withdraw(created)
        story.due(submitted)
        claim["submitted_at"] = submitted
        claim["backstop_deadline"] = rules.awb_backstop(local_day(submitted))
        late = local_day(submitted) > claim["submission_deadline"]
        if claim["leges"] <= 0:
            story.step(S.SUBMITTED, submitted, farmer, data={"late": late})
            story.maybe_withdraw(submitted)
            return submitted
        payment = {
            "id": self.ids["payments"](),
            "claim_id": claim["id"],
            "provider": "test",
            "provider_ref": "",
            "amount": claim["leges"],
            "status": "open",
            "paid_at": None,
            "created_at": submitted + timedelta(seconds=20),
        }
        payment["provider_ref"] = f"seed-{payment['id']}"
        self.rows["payments"].append(payment)
        self.open_payments[claim["id"]] = [payment]
        story.step(S.AWAITING_PAYMENT, submitted, farmer, data={"late": late})
        if story.path.abandon_payment:
            raise End
        story.maybe_withdraw(submitted)
        paid = story.due(submitted + timedelta(minutes=self.rng.randint(2, 60 * 48)))
        payment["status"], payment["paid_at"] = "paid", paid
        self.open_payments.pop(claim["id"], None)
        story.event(
            paid, "payment.paid", "payment", payment["id"], data={"amount": payment["amount"]}
        )
        story.step(S.SUBMITTED, paid, None, reason="Leges betaald")
        story.maybe_withdraw(paid)
        return paid

    def _completion(self, story: Story, received: datetime, bare) -> datetime:
        """Now and then the officer asks for more; most farmers complete, some never do."""
        if not story.path.incomplete:
            return received
        claim, officer = story.claim, story.officers[0]
        asked = story.due(story.later(received, 2, 8))
        deadline = rules.add_working_days(local_day(asked), COMPLETION_WORKING_DAYS)
        claim["completion_deadline"] = deadline
        story.step(
            S.INCOMPLETE,
            asked,
            officer,
            data={
                "message": "Stuur foto's van de schade en de kaart van de percelen mee.",
                "deadline": deadline.isoformat(),
                "days": COMPLETION_WORKING_DAYS,
            },
        )
        story.maybe_withdraw(asked)
        if story.path.completes:
            done = story.due(story.later(asked, 1, 12))
            # As claims.completion: the Awb term stood still while the claim was incomplete.
            stop = min(local_day(done), deadline)
            claim["backstop_deadline"] += timedelta(days=max((stop - local_day(asked)).days, 0))
            claim["completion_deadline"] = None
            story.step(
                S.SUBMITTED,
                done,
                self.farmer_user(claim),
                reason="Aanvraag aangevuld door de aanvrager",
                data={"note_id": None, "late": local_day(done) > deadline},
            )
            return done
        proposed = story.due(moment(self.rng, deadline + timedelta(days=story.days(1, 10))))
        decision = story.decide(proposed, rules.calculate(bare(0)), not_processed=True)
        story.path.objection = False
        story.object_and_pay(decision, bare)
        raise End

    def _assessment(self, story: Story, received: datetime, order=(1, 6), report=(4, 18)):
        officer = story.officers[0]
        ordered = story.due(story.later(received, *order))
        assessor = self.rng.choice(self.staff.assessors)
        reported = story.later(ordered, *report)
        urgent = self.rng.random() < 0.3
        due_on = rules.add_working_days(local_day(ordered), 2 if urgent else 10)
        assessment = {
            "id": self.ids["assessments"](),
            "claim_id": story.claim["id"],
            "assessor_id": assessor,
            "ordered_by": officer,
            "urgent": urgent,
            "due_on": due_on,
            "status": "ordered",
            "preventive_measures_observed": [],
            "remarks": "",
            "submitted_at": None,
            "version": 1,
            "created_at": ordered,
        }
        self.rows["assessments"].append(assessment)
        story.step(
            S.ASSESSMENT_ORDERED,
            ordered,
            officer,
            reason="Spoedtaxatie opgedragen" if urgent else None,
            data={
                "assessment_id": assessment["id"],
                "assessor_id": assessor,
                "urgent": urgent,
                "due_on": due_on.isoformat(),
            },
        )
        story.maybe_withdraw(ordered)
        visit = min(reported, story.later(ordered, 2, 14))
        if visit <= self.now:
            assessment["status"] = "in_progress"
            self.rows["assessment_visits"].append(
                {
                    "assessment_id": assessment["id"],
                    "visited_on": local_day(visit),
                    "remarks": "Schade opgenomen op het perceel.",
                }
            )
        story.due(reported)
        return assessment, reported

    def _assessed(
        self, story: Story, assessment: dict[str, Any], reported: datetime, lines: list, total
    ) -> None:
        """As assessments.operations.submit_report: the zienswijze window opens."""
        claim, assessor = story.claim, assessment["assessor_id"]
        assessment["status"], assessment["submitted_at"] = "submitted", reported
        day = local_day(reported)
        claim["zienswijze_deadline"] = rules.zienswijze_deadline(day)
        claim["decision_target"] = rules.decision_target(day)
        story.event(
            reported,
            "assessment.submitted",
            "assessment",
            assessment["id"],
            actor_id=assessor,
            data={"lines": len(lines), "total": str(total)},
        )
        story.step(
            S.ASSESSED,
            reported,
            assessor,
            data={
                "assessment_id": assessment["id"],
                "zienswijze_deadline": claim["zienswijze_deadline"].isoformat(),
                "decision_target": claim["decision_target"].isoformat(),
            },
        )

    def _propose_and_decide(self, story: Story, reported: datetime, case) -> None:
        window = story.claim["zienswijze_deadline"]
        wait = 1 if story.path.fast else min(120, int(self.rng.lognormvariate(2.0, 0.9)) + 1)
        proposed = story.due(moment(self.rng, window + timedelta(days=wait)))
        pct = story.path.reduction_pct
        decision = story.decide(proposed, rules.calculate(case(pct)), reduction_pct=pct)
        story.object_and_pay(decision, case)
