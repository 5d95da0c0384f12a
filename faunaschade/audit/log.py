"""Reading the audit log: filters, scope, pages and a streamed export (never a change)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from faunaschade.clock import AMSTERDAM
from faunaschade.errors import Forbidden
from faunaschade.extensions import db
from faunaschade.models import AuditEvent, Claim, FarmerProfile, Role, User
from faunaschade.provinces import PROVINCE_CODES
from faunaschade.validators import normalise_email

DAY = timedelta(days=1)
#: The event's own columns that are shown and exported.
EVENT_COLUMNS = (
    "id", "seq", "occurred_at", "actor_id", "action", "object_type", "object_id", "claim_id",
    "from_status", "to_status", "reason", "data", "content_hash", "prev_hash", "hash",
)  # fmt: skip
#: Columns of the CSV export, in order.
EXPORT_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_email",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "claim_id",
    "claim_reference",
    "from_status",
    "to_status",
    "reason",
    "data",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class AuditFilters:
    """What the log is narrowed to; None means everything."""

    claim_id: int | None = None
    actor_id: int | None = None
    action: str | None = None
    start: date | None = None  #: First day, Dutch time.
    end: date | None = None  #: Last day, inclusive.


#: A period is clamped to these days: near year 1 or 9999 a day later, or the step to UTC,
#: would overflow, and the log holds nothing from before or after them anyway.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9000, 1, 1)


def _day_start(day: date) -> datetime:
    day = min(max(day, FIRST_DAY), LAST_DAY)
    return datetime.combine(day, time(), tzinfo=AMSTERDAM).astimezone(UTC)


def scope_condition(user: User) -> Any:
    """Admins and auditors of every province see every event; other auditors their claims'."""
    if user.role == Role.ADMIN or (
        user.role == Role.AUDITOR and set(user.provinces) == set(PROVINCE_CODES)
    ):
        return None
    if user.role == Role.AUDITOR:
        in_scope = select(Claim.id).where(Claim.province.in_(user.provinces))
        return AuditEvent.claim_id.in_(in_scope)
    raise Forbidden(_("Alleen controleurs en beheerders zien het auditlog."))


def events_query(user: User, filters: AuditFilters) -> Select:
    """Events with the actor's e-mail and role and the claim's reference, filtered and scoped."""
    event = AuditEvent.__table__.c
    query = (
        select(
            *(event[name] for name in EVENT_COLUMNS),
            User.email.label("actor_email"),
            User.role.label("actor_role"),
            Claim.reference.label("claim_reference"),
        )
        .select_from(AuditEvent)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Claim, Claim.id == AuditEvent.claim_id)
    )
    conditions = [scope_condition(user)]
    if filters.claim_id is not None:
        conditions.append(AuditEvent.claim_id == filters.claim_id)
    if filters.actor_id is not None:
        conditions.append(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.start:
        conditions.append(AuditEvent.occurred_at >= _day_start(filters.start))
    if filters.end:
        conditions.append(AuditEvent.occurred_at < _day_start(min(filters.end, LAST_DAY) + DAY))
    return query.where(*[c for c in conditions if c is not None])


def _plain(row: Any) -> dict[str, Any]:
    event = row._asdict()
    role = event["actor_role"]
    event["actor_role"] = role.value if role is not None else None
    return event


def _name_principals(items: list[dict[str, Any]]) -> None:
    """Give each event recorded for someone else (a representative acting for a farmer) the
    name of that farmer, `on_behalf_name`, read in one query for the page."""
    ids = {
        principal
        for item in items
        if isinstance(principal := (item["data"] or {}).get("on_behalf_of"), int)
    }
    names = (
        dict(
            db.session.execute(
                select(FarmerProfile.id, FarmerProfile.name).where(FarmerProfile.id.in_(ids))
            ).all()
        )
        if ids
        else {}
    )
    for item in items:
        item["on_behalf_name"] = names.get((item["data"] or {}).get("on_behalf_of"))


def page(user: User, filters: AuditFilters, number: int, per_page: int) -> dict[str, Any]:
    """One page of events, newest first, with the total count."""
    query = events_query(user, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    found = db.session.execute(
        query.order_by(AuditEvent.id.desc()).offset((number - 1) * per_page).limit(per_page)
    )
    items = [_plain(row) for row in found]
    _name_principals(items)
    return {
        "items": items,
        "page": number,
        "per_page": per_page,
        "total": total,
    }


def export_rows(user: User, filters: AuditFilters, batch: int = 2000) -> Iterator[list[Any]]:
    """Every matching event in chain order (those awaiting their seal last), for the CSV
    export; fetched `batch` at a time."""
    query = events_query(user, filters).order_by(
        AuditEvent.seq.is_(None), AuditEvent.seq, AuditEvent.id
    )
    positions = [query.selected_columns.keys().index(name) for name in EXPORT_COLUMNS]
    data, role = EXPORT_COLUMNS.index("data"), EXPORT_COLUMNS.index("actor_role")
    for row in db.session.execute(query.execution_options(yield_per=batch)):
        values = [row[i] for i in positions]
        values[data] = json.dumps(values[data], sort_keys=True, separators=(",", ":"))
        values[role] = values[role].value if values[role] is not None else None
        yield values


def actions() -> list[str]:
    """Every action code in the log (for the filter)."""
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


def actor_by_email(email: str) -> int | None:
    """The id of the user with this e-mail, or None."""
    return db.session.scalar(select(User.id).where(User.email == normalise_email(email)))


def claim_by_reference(reference: str) -> int | None:
    """The id of the claim with this reference (FS-2025-000123), or None."""
    return db.session.scalar(select(Claim.id).where(Claim.reference == reference.strip().upper()))
