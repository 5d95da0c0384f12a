"""Machtigingen: a farmer authorises a registered user to act for them (issue 15).

An authorisation covers all the farmer's claims (`claim_id` NULL) or one claim, from
`valid_from` up to and including `valid_until` (open-ended when NULL), until it is revoked.
The shared reads (`active_on`, `covering`, `representatives_of`) are here, so that the scoped
loaders (access.py), the letters and the e-mails ask the same question the same way.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ColumnElement, Date, ForeignKey, and_, exists, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faunaschade.clock import today
from faunaschade.extensions import db
from faunaschade.models.base import CreatedMixin, UtcDateTime, enum_type
from faunaschade.models.farmers import FarmerProfile
from faunaschade.models.users import User


class AuthorisationSource(enum.StrEnum):
    """How the authorisation reached us."""

    #: Granted by the farmer on the Machtigingen page or through the API.
    ONLINE = "online"
    #: A signed paper authorisation, recorded by an officer (farmer not online).
    WRITTEN = "written"


class Authorisation(CreatedMixin, db.Model):
    """A machtiging: `representative` may act for `farmer` on one or all of their claims."""

    __tablename__ = "authorisations"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="period_in_order"),
        CheckConstraint(
            "source <> 'written' OR document_date IS NOT NULL", name="written_has_document_date"
        ),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The farmer who authorises (whose claims are acted on).
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmer_profiles.id"), index=True)
    #: The representative (gemachtigde): a registered user with the farmer role.
    representative_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: One claim only; NULL: every claim of the farmer, also new ones.
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    #: First day it counts (Dutch calendar day).
    valid_from: Mapped[date] = mapped_column(Date)
    #: Last day it counts, inclusive; NULL until revoked.
    valid_until: Mapped[date | None] = mapped_column(Date)
    #: Online (by the farmer) or written (recorded by an officer).
    source: Mapped[AuthorisationSource] = mapped_column(
        enum_type(AuthorisationSource, "authorisation_source")
    )
    #: Date of the signed document (written authorisations).
    document_date: Mapped[date | None] = mapped_column(Date)
    #: The scan of the signed document, if the officer uploaded one.
    document_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    #: Who recorded it: the farmer (online) or the officer (written).
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: When it was revoked (access ends on the next request).
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Who revoked it.
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    farmer: Mapped[FarmerProfile] = relationship()
    representative: Mapped[User] = relationship(foreign_keys=[representative_id])
    claim = relationship("Claim")

    @property
    def scope(self) -> str:
        """ "all_claims" or "claim"."""
        return "all_claims" if self.claim_id is None else "claim"

    @property
    def active(self) -> bool:
        """It counts today (Dutch calendar day)."""
        return self.is_active(today())

    def is_active(self, day: date) -> bool:
        """Not revoked and `day` within its period."""
        return (
            self.revoked_at is None
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


def active_on(day: date) -> ColumnElement[bool]:
    """The authorisations that count on `day`: not revoked and within their period."""
    return and_(
        Authorisation.revoked_at.is_(None),
        Authorisation.valid_from <= day,
        or_(Authorisation.valid_until.is_(None), Authorisation.valid_until >= day),
    )


def covering(
    farmer_id: ColumnElement[int] | int, claim_id: ColumnElement[int] | int | None, day: date
) -> ColumnElement[bool]:
    """Authorisations of `farmer_id` active on `day` that cover the claim `claim_id` (None:
    a new claim, which only an authorisation for all claims covers)."""
    claim_match = (
        Authorisation.claim_id.is_(None)
        if claim_id is None
        else or_(Authorisation.claim_id.is_(None), Authorisation.claim_id == claim_id)
    )
    return and_(Authorisation.farmer_id == farmer_id, claim_match, active_on(day))


def represented_by(
    user_id: int, farmer_id: ColumnElement[int], claim_id: ColumnElement[int], day: date
):
    """EXISTS: `user_id` holds an authorisation covering that claim on `day` (for a query)."""
    return exists().where(
        Authorisation.representative_id == user_id, covering(farmer_id, claim_id, day)
    )


def represents(user_id: int, farmer_id: ColumnElement[int], day: date):
    """EXISTS: `user_id` holds an authorisation for all of the farmer's claims on `day` (what a
    melding, which belongs to no claim, needs)."""
    return exists().where(
        Authorisation.representative_id == user_id, covering(farmer_id, None, day)
    )


def representatives_of(farmer_id: int, claim_id: int | None, day: date) -> list[User]:
    """The users who may act on this claim of this farmer on `day`, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Authorisation, Authorisation.representative_id == User.id)
            .where(covering(farmer_id, claim_id, day), User.active.is_(True))
            .distinct()
            .order_by(User.name, User.id)
        )
    )
