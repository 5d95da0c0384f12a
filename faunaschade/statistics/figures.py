"""Statistics for auditors and officers: one SQL aggregate, grouped as asked, in the database.

A claim counts once it was submitted (`submitted_at` set): drafts are not applications yet.
Per claim: its decision in force (not superseded) gives the outcome, assessed damage and own
risk; money that really moved gives `paid` and `leges_refunded` (items of payment batches marked
paid) and `leges_received` (leges payments confirmed paid). Handling time runs from the UTC day
of submission to the first decision. `overdue` counts claims past a deadline the officer or
assessor must meet today, exactly as the officer's queue filter (claims.worklist).

Grouped by species, a claim naming two species counts in both species' rows (its whole amounts
each time), so species rows add up to more than the total; every other grouping, and the totals,
count each claim once. A species filter without species grouping keeps each claim once.

Grouped by species group (statistics/groups.py), a claim counts once: in its species' group, or
under `meerdere` when it names species of several groups; livestock claims have crop group `vee`.

Meldingen (free damage reports, reports/) are counted beside the claims, in the same groups and
under the same filters: how many (`reports`), how many became a claim (`reports_converted`; a
converted melding still counts as a melding) and the farmers' estimates (`reported_damage`). A
melding has no decision, so grouped or filtered by outcome the statistics leave them out. A group
with meldingen but no claims gets a row with the claims' measures at zero.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    Date,
    Integer,
    Select,
    and_,
    case,
    cast,
    exists,
    extract,
    func,
    select,
    text,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import aliased

from faunaschade.claims.worklist import overdue_condition
from faunaschade.clock import damage_year_bounds, today
from faunaschade.errors import Forbidden
from faunaschade.extensions import db
from faunaschade.models import (
    BatchItemKind,
    BatchStatus,
    Claim,
    ClaimSpecies,
    ClaimStatus,
    DamageReport,
    DamageReportSpecies,
    Decision,
    Outcome,
    Payment,
    PaymentBatch,
    PaymentBatchItem,
    PaymentStatus,
    Role,
    User,
)
from faunaschade.models.base import Money
from faunaschade.statistics import groups

#: What rows may be grouped by, in the order the columns come out. `species_group` and
#: `crop_group` (statistics/groups.py) partition the claims: each counts in one group.
GROUP_KEYS = (
    "damage_year",
    "province",
    "species",
    "crop",
    "month",
    "outcome",
    "species_group",
    "crop_group",
)
#: Counted per group.
COUNTS = ("claims", "granted", "rejected", "not_processed", "withdrawn", "overdue")
#: Summed per group (euros).
AMOUNTS = ("assessed_damage", "own_risk", "paid", "leges_received", "leges_refunded")
#: Every measure, in output order.
MEASURES = (*COUNTS, *AMOUNTS, "median_days_to_decision")
#: Measures of the meldingen, after the claims' (left out when grouped or filtered by outcome).
REPORT_MEASURES = ("reports", "reports_converted", "reported_damage")
#: Outcome filter values: the decision outcomes, and `none` for claims without a decision.
OUTCOMES = (*(o.value for o in Outcome), "none")
GRANTED = (Outcome.GRANTED, Outcome.PARTIALLY_GRANTED)


@dataclass(frozen=True)
class Filters:
    """What the statistics are narrowed to; None means everything."""

    damage_year: int | None = None
    province: str | None = None
    species: str | None = None
    crop: str | None = None
    outcome: str | None = None


def scope_of(user: User) -> tuple[str, ...]:
    """The provinces whose claims the user's statistics cover (officers and auditors only)."""
    if user.role not in (Role.OFFICER, Role.AUDITOR):
        raise Forbidden(_("Alleen behandelaars en controleurs zien de statistieken."))
    return tuple(user.provinces)


def damage_year_of(column: Any) -> Any:
    """The schadejaar (1 November – 31 October) of a date column, by the year it ends in."""
    year = cast(extract("year", column), Integer)
    return case((cast(extract("month", column), Integer) >= 11, year + 1), else_=year)


def _days_to_decision(first: Any) -> Any:
    """Whole days from the UTC day of submission to the first decision (SQL per dialect)."""
    if db.session.get_bind().dialect.name == "postgresql":
        submitted = cast(func.timezone("UTC", Claim.submitted_at), Date)
        return type_coerce(first.decided_on - submitted, Integer)
    return cast(
        func.julianday(first.decided_on) - func.julianday(func.date(Claim.submitted_at)), Integer
    )


def _money_moved() -> tuple[Any, Any]:
    """Per claim: leges received, and payouts and refunds paid in batches marked paid."""
    leges = (
        select(Payment.claim_id, func.sum(Payment.amount).label("amount"))
        .where(Payment.status == PaymentStatus.PAID)
        .group_by(Payment.claim_id)
        .subquery("leges")
    )
    item = PaymentBatchItem

    def paid_kind(kind: BatchItemKind) -> Any:
        return func.sum(case((item.kind == kind, item.amount), else_=0))

    paid = (
        select(
            item.claim_id,
            paid_kind(BatchItemKind.PAYOUT).label("payout"),
            paid_kind(BatchItemKind.LEGES_REFUND).label("refund"),
        )
        .join(PaymentBatch, PaymentBatch.id == item.batch_id)
        .where(PaymentBatch.status == BatchStatus.PAID)
        .group_by(item.claim_id)
        .subquery("paid")
    )
    return leges, paid


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def crop_group_of(crop: Any) -> Any:
    """The crop group (statistics/groups.py) of a crop column; `vee` without a crop."""
    return case(
        (crop.is_(None), groups.LIVESTOCK),
        else_=case(dict(groups.CROP_GROUP), value=crop, else_="overig"),
    )


def _species_group_per(owner: Any, species: Any, name: str) -> Any:
    """Per claim (or melding): its one species group, `meerdere` when its species fall in
    several groups. `owner` is the id column of the species table, `species` its code."""
    group = case(dict(groups.SPECIES_GROUP), value=species, else_=None)
    one = case(
        (func.min(group).is_(None), groups.UNKNOWN),
        (func.min(group) == func.max(group), func.min(group)),
        else_=groups.SEVERAL,
    )
    return select(owner.label("owner"), one.label("species_group")).group_by(owner).subquery(name)


def _per_claim(
    group_by: Sequence[str], filters: Filters, provinces: Sequence[str] | None, on: date
) -> tuple[Any, list[str]]:
    """One row per claim (per claim × species when grouped by species) with its measures."""
    current, first = aliased(Decision, name="current"), aliased(Decision, name="first")
    leges, paid = _money_moved()
    keys = {
        "damage_year": damage_year_of(Claim.discovered_on),
        "province": Claim.province,
        "species": ClaimSpecies.species,
        "crop": Claim.crop,
        "month": cast(extract("month", Claim.discovered_on), Integer),
        "outcome": current.outcome,
        "crop_group": crop_group_of(Claim.crop),
    }
    if "species_group" in group_by:
        by_claim = _species_group_per(ClaimSpecies.claim_id, ClaimSpecies.species, "claim_group")
        keys["species_group"] = func.coalesce(by_claim.c.species_group, groups.UNKNOWN)
    columns = [keys[key].label(key) for key in group_by]
    columns += [
        _flag(current.outcome.in_(GRANTED)).label("granted"),
        _flag(current.outcome == Outcome.REJECTED).label("rejected"),
        _flag(current.outcome == Outcome.NOT_PROCESSED).label("not_processed"),
        _flag(Claim.status == ClaimStatus.WITHDRAWN).label("withdrawn"),
        _flag(overdue_condition(on)).label("overdue"),
        func.coalesce(current.assessed_damage, 0).label("assessed_damage"),
        func.coalesce(current.own_risk, 0).label("own_risk"),
        func.coalesce(paid.c.payout, 0).label("paid"),
        func.coalesce(leges.c.amount, 0).label("leges_received"),
        func.coalesce(paid.c.refund, 0).label("leges_refunded"),
        _days_to_decision(first).label("days"),
    ]
    query = (
        select(*columns)
        .select_from(Claim)
        .outerjoin(current, and_(current.claim_id == Claim.id, current.in_force))
        .outerjoin(first, and_(first.claim_id == Claim.id, first.version == 1))
        .outerjoin(leges, leges.c.claim_id == Claim.id)
        .outerjoin(paid, paid.c.claim_id == Claim.id)
        .where(Claim.submitted_at.is_not(None))
    )
    if "species" in group_by:
        query = query.join(ClaimSpecies, ClaimSpecies.claim_id == Claim.id)
    if "species_group" in group_by:
        query = query.outerjoin(by_claim, by_claim.c.owner == Claim.id)
    query = _filtered(query, filters, provinces, current, "species" in group_by)
    return query, list(group_by)


def _filtered(query: Select, filters: Filters, provinces, current, species_joined: bool) -> Select:
    if provinces is not None:
        query = query.where(Claim.province.in_(provinces))
    if year := filters.damage_year:
        query = query.where(Claim.discovered_on.between(*damage_year_bounds(year)))
    if filters.province:
        query = query.where(Claim.province == filters.province)
    if filters.crop:
        query = query.where(Claim.crop == filters.crop)
    if filters.species and species_joined:
        query = query.where(ClaimSpecies.species == filters.species)
    elif filters.species:
        named = (ClaimSpecies.claim_id == Claim.id) & (ClaimSpecies.species == filters.species)
        query = query.where(exists().where(named))
    if filters.outcome == "none":
        query = query.where(current.id.is_(None))
    elif filters.outcome:
        query = query.where(current.outcome == Outcome(filters.outcome))
    return query


def statement(
    group_by: Sequence[str],
    filters: Filters = Filters(),
    provinces: Sequence[str] | None = None,
    *,
    on: date | None = None,
) -> Select:
    """The aggregate: one row per combination of `group_by` values (one row when empty).

    Built once per question and day and kept (a statement is immutable): building it is a few
    milliseconds of SQLAlchemy, asked again for every page of statistics, export and release."""
    unknown = set(group_by) - set(GROUP_KEYS)
    if unknown:
        raise ValueError(f"cannot group by {sorted(unknown)}")
    postgres = db.session.get_bind().dialect.name == "postgresql"
    scope = None if provinces is None else tuple(provinces)
    return _statement(tuple(group_by), filters, scope, on or today(), postgres)


@functools.lru_cache(maxsize=256)
def _statement(
    group_by: tuple[str, ...],
    filters: Filters,
    provinces: tuple[str, ...] | None,
    on: date,
    postgres: bool,
) -> Select:
    inner, keys = _per_claim(group_by, filters, provinces, on)
    if not postgres:
        # SQLite has no median: number each group's days in order, average the middle one(s).
        partition = [inner.selected_columns[key] for key in keys]
        days = inner.selected_columns.days
        inner = inner.add_columns(
            func.row_number()
            .over(partition_by=[*partition, days.is_(None)], order_by=days)
            .label("rn"),
            func.count(days).over(partition_by=partition or None).label("cnt"),
        )
    rows = inner.subquery("per_claim")
    group = [rows.c[key] for key in keys]
    query = select(*group, *_measures(rows, postgres))
    if group:
        query = query.group_by(*group).order_by(*group)
    return query


def _measures(rows: Any, postgres: bool) -> list[Any]:
    """Every measure over the per-claim rows of a group."""
    if postgres:
        median = func.percentile_cont(0.5).within_group(rows.c.days)
    else:
        middle = rows.c.rn.in_([(rows.c.cnt + 1) // 2, (rows.c.cnt + 2) // 2])
        median = func.avg(case((and_(rows.c.days.is_not(None), middle), rows.c.days)))
    measures = [func.count().label("claims")]
    measures += [func.coalesce(func.sum(rows.c[name]), 0).label(name) for name in COUNTS[1:]]
    measures += [
        type_coerce(func.coalesce(func.sum(rows.c[name]), 0), Money).label(name) for name in AMOUNTS
    ]
    measures.append(median.label("median_days_to_decision"))
    return measures


def grouped(
    sets: Sequence[Sequence[str]],
    filters: Filters = Filters(),
    provinces: Sequence[str] | None = None,
) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """Several groupings of the same claims at once (the dashboard): on PostgreSQL one query
    with GROUPING SETS, so the joins are done once; elsewhere, or with species, one each."""
    wanted = list(dict.fromkeys(tuple(keys) for keys in sets))
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if not postgres or len(wanted) < 2 or any("species" in keys for keys in wanted):
        return {keys: list(rows(keys, filters, provinces)) for keys in wanted}
    _without_jit()
    union = [key for key in GROUP_KEYS if any(key in keys for keys in wanted)]
    inner, _keys = _per_claim(union, filters, provinces, today())
    per_claim = inner.subquery("per_claim")
    columns = [per_claim.c[key] for key in union]
    # GROUPING() has a bit per key, the first key highest, set when the key is not grouped.
    mask = {
        sum(1 << (len(union) - 1 - i) for i, key in enumerate(union) if key not in keys): keys
        for keys in wanted
    }
    grouping = func.grouping(*columns).label("grouping_set")
    query = (
        select(*columns, grouping, *_measures(per_claim, postgres=True))
        .group_by(func.grouping_sets(*(tuple_(*(per_claim.c[k] for k in keys)) for keys in wanted)))
        .order_by(grouping, *columns)
    )
    found: dict[tuple[str, ...], list[dict[str, Any]]] = {keys: [] for keys in wanted}
    for row in db.session.execute(query):
        data = _plain(row)
        keys = mask[data.pop("grouping_set")]
        for key in union:
            if key not in keys:
                del data[key]
        found[keys].append(data)
    return {keys: with_reports(keys, found[keys], filters, provinces) for keys in wanted}


def _plain(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    outcome = data.get("outcome")
    if outcome is not None:
        data["outcome"] = getattr(outcome, "value", outcome)
    median = data["median_days_to_decision"]
    data["median_days_to_decision"] = None if median is None else round(float(median), 1)
    for name in COUNTS:
        data[name] = int(data[name])
    return data


def _without_jit() -> None:
    """PostgreSQL compiles costly-looking queries to machine code (JIT); for this aggregate the
    compiling took longer than the query itself (1.5 s against 0.7 s at 100,000 claims,
    bench/statistics_figures.py). Off for the rest of this transaction only."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def rows(
    group_by: Sequence[str],
    filters: Filters = Filters(),
    provinces: Sequence[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The grouped rows as plain dicts.

    Fetched in one go, not through a server-side cursor (yield_per): PostgreSQL never runs a
    cursor's query in parallel, so the aggregate sorted on disk in one process (1.34x the same
    SQL fetched plainly, bench/statistics_figures.py). The database aggregates, so what comes
    back is one row per group (about 20,000 grouped by every key at 100,000 claims), and memory
    stays bounded by the groups, not the claims.
    """
    _without_jit()
    found = [_plain(row) for row in db.session.execute(statement(group_by, filters, provinces))]
    yield from with_reports(group_by, found, filters, provinces)


def totals(filters: Filters = Filters(), provinces: Sequence[str] | None = None) -> dict[str, Any]:
    """The same measures over everything that passes the filters, each claim once."""
    _without_jit()
    found = [_plain(db.session.execute(statement((), filters, provinces)).one())]
    return with_reports((), found, filters, provinces)[0]


def counts_reports(group_by: Sequence[str], filters: Filters) -> bool:
    """Whether the meldingen are counted: not when grouped or filtered by outcome."""
    return "outcome" not in group_by and filters.outcome is None


def measures_for(group_by: Sequence[str], filters: Filters) -> tuple[str, ...]:
    """The measures of these statistics, in output order."""
    return (*MEASURES, *REPORT_MEASURES) if counts_reports(group_by, filters) else MEASURES


@functools.lru_cache(maxsize=256)
def _report_statement(
    group_by: tuple[str, ...], filters: Filters, provinces: tuple[str, ...] | None
) -> Select:
    """The meldingen per group (per species as the claims: a melding naming two, in both);
    built once per question and kept, as the claims' aggregate."""
    report = DamageReport
    query = _report_rows(
        group_by,
        filters,
        provinces,
        func.count().label("reports"),
        func.coalesce(func.sum(_flag(report.converted_claim_id.is_not(None))), 0).label(
            "reports_converted"
        ),
        type_coerce(func.coalesce(func.sum(report.estimated_damage), 0), Money).label(
            "reported_damage"
        ),
    )
    group = [query.selected_columns[key] for key in group_by]
    return query.group_by(*group) if group else query


def _report_rows(
    group_by: Sequence[str], filters: Filters, provinces: Sequence[str] | None, *columns: Any
) -> Select:
    """The meldingen with their group keys and `columns`, filtered (not yet aggregated)."""
    report = DamageReport
    keys = {
        "damage_year": damage_year_of(report.discovered_on),
        "province": report.province,
        "species": DamageReportSpecies.species,
        "crop": report.crop,
        "month": cast(extract("month", report.discovered_on), Integer),
        "crop_group": crop_group_of(report.crop),
    }
    if "species_group" in group_by:
        by_report = _species_group_per(
            DamageReportSpecies.report_id, DamageReportSpecies.species, "report_group"
        )
        keys["species_group"] = func.coalesce(by_report.c.species_group, groups.UNKNOWN)
    group = [keys[key].label(key) for key in group_by]
    query = select(*group, *columns).select_from(report)
    named = (DamageReportSpecies.report_id == report.id) & (
        DamageReportSpecies.species == filters.species
    )
    if "species" in group_by:
        query = query.join(DamageReportSpecies, DamageReportSpecies.report_id == report.id)
        if filters.species:
            query = query.where(DamageReportSpecies.species == filters.species)
    elif filters.species:
        query = query.where(exists().where(named))
    if "species_group" in group_by:
        query = query.outerjoin(by_report, by_report.c.owner == report.id)
    if provinces is not None:
        query = query.where(report.province.in_(provinces))
    if year := filters.damage_year:
        query = query.where(report.discovered_on.between(*damage_year_bounds(year)))
    if filters.province:
        query = query.where(report.province == filters.province)
    if filters.crop:
        query = query.where(report.crop == filters.crop)
    return query


def contributors(
    group_by: Sequence[str], filters: Filters = Filters(), provinces: Sequence[str] | None = None
) -> tuple[dict[tuple[Any, ...], set[int]], dict[tuple[Any, ...], set[int]]]:
    """Per group, the farmers whose claims count in it, and those whose meldingen do (the
    open data's suppression asks how many different farmers stand behind a figure). The groups
    are exactly those of `rows`; one row per group and farmer comes back from the database."""
    _without_jit()
    inner, keys = _per_claim(group_by, filters, provinces, today())
    claim_rows = inner.with_only_columns(
        *(inner.selected_columns[key] for key in keys), Claim.farmer_id.label("farmer_id")
    ).distinct()
    report_rows = _report_rows(
        group_by, filters, provinces, DamageReport.farmer_id.label("farmer_id")
    ).distinct()
    found: tuple[dict[tuple[Any, ...], set[int]], ...] = ({}, {})
    for into, query in zip(found, (claim_rows, report_rows), strict=True):
        for row in db.session.execute(query):
            data = dict(row._mapping)
            key = tuple(getattr(data[key], "value", data[key]) for key in group_by)
            into.setdefault(key, set()).add(data["farmer_id"])
    return found  # type: ignore[return-value]


def contributions(
    group_by: Sequence[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every submitted claim with its farmer, its keys and what it adds to `granted`, `paid`
    and `assessed_damage` (the same per-claim rows as `rows` sums), and every melding with its
    farmer and keys: the open data's releases are tabulated from these (statistics/releases.py)
    and compare them from one release to the next. Not for species (a claim would repeat)."""
    if "species" in group_by:
        raise ValueError("contributions are per claim, not per claim and species")
    _without_jit()
    inner, keys = _per_claim(group_by, Filters(), None, today())
    claims = inner.with_only_columns(
        Claim.id.label("id"),
        Claim.farmer_id.label("farmer_id"),
        *(inner.selected_columns[key] for key in [*keys, "granted", "paid", "assessed_damage"]),
    ).order_by(Claim.id)
    reports = _report_rows(
        group_by,
        Filters(),
        None,
        DamageReport.id.label("id"),
        DamageReport.farmer_id.label("farmer_id"),
    ).order_by(DamageReport.id)

    def plain(query: Select) -> list[dict[str, Any]]:
        found = []
        for row in db.session.execute(query):
            data = dict(row._mapping)
            for key in group_by:
                data[key] = getattr(data[key], "value", data[key])
            found.append(data)
        return found

    return plain(claims), plain(reports)


def with_reports(
    group_by: Sequence[str],
    found: list[dict[str, Any]],
    filters: Filters,
    provinces: Sequence[str] | None,
) -> list[dict[str, Any]]:
    """The claims' rows with the meldingen of the same group beside them; a group of meldingen
    alone gets a row of its own (the claims' measures zero), in the order of the keys."""
    if not counts_reports(group_by, filters):
        return found
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    scope = None if provinces is None else tuple(provinces)
    for row in db.session.execute(_report_statement(tuple(group_by), filters, scope)):
        data = dict(row._mapping)
        groups[tuple(data[key] for key in group_by)] = {
            "reports": int(data["reports"]),
            "reports_converted": int(data["reports_converted"]),
            "reported_damage": data["reported_damage"],
        }
    none = {"reports": 0, "reports_converted": 0, "reported_damage": Decimal("0.00")}
    for row in found:
        row.update(groups.pop(tuple(row[key] for key in group_by), none))
    if not groups:
        return found
    for key, counted in groups.items():
        found.append({**dict(zip(group_by, key, strict=True)), **_no_claims(), **counted})
    return sorted(found, key=lambda row: [(row[key] is None, row[key]) for key in group_by])


def _no_claims() -> dict[str, Any]:
    zero = Decimal("0.00")
    return {
        **{name: 0 for name in COUNTS},
        **{name: zero for name in AMOUNTS},
        "median_days_to_decision": None,
    }


__all__ = [
    "AMOUNTS",
    "COUNTS",
    "GROUP_KEYS",
    "MEASURES",
    "OUTCOMES",
    "REPORT_MEASURES",
    "Filters",
    "contributions",
    "contributors",
    "counts_reports",
    "damage_year_of",
    "grouped",
    "measures_for",
    "rows",
    "scope_of",
    "statement",
    "totals",
    "with_reports",
]


def filters_from(args: dict[str, Any]) -> Filters:
    """The service's filters from loaded query arguments."""
    return Filters(
        damage_year=args.get("damage_year"),
        province=args.get("province"),
        species=args.get("species"),
        crop=args.get("crop"),
        outcome=args.get("outcome"),
    )
