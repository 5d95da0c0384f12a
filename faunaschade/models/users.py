"""Users, their roles and province scopes, and login/API tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ColumnElement, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faunaschade.extensions import db
from faunaschade.models.base import CreatedMixin, UtcDateTime, enum_type, province_check
from faunaschade.provinces import PROVINCE_CODES

if TYPE_CHECKING:
    from faunaschade.models.farmers import FarmerProfile


class Role(enum.StrEnum):
    """What a user may do (SPEC §1)."""

    #: Applicant (grondgebruiker / dierhouder): own parcels and claims.
    FARMER = "farmer"
    #: Taxateur of a bureau: assigned assessments only.
    ASSESSOR = "assessor"
    #: Provincial case officer with a mandate for one or more provinces.
    OFFICER = "officer"
    #: Controller / accountant: read-only over their provinces or all.
    AUDITOR = "auditor"
    #: Functional administrator: users, scopes, rule sets, price tables.
    ADMIN = "admin"


class User(CreatedMixin, UserMixin, db.Model):
    """Anyone who logs in."""

    __tablename__ = "users"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, stored lower-case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: argon2id hash; never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: The one role of this user.
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    #: Display name (for farmers the profile holds the legal name).
    name: Mapped[str] = mapped_column(String(200), default="")
    #: Assessors: the bureau they work for.
    bureau: Mapped[str | None] = mapped_column(String(200))
    #: Auditors and admins may be scoped to every province at once.
    all_provinces: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Inactive users cannot log in or use tokens.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Preferred interface language.
    locale: Mapped[str] = mapped_column(String(5), default="nl")

    province_scopes: Mapped[list[UserProvince]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    #: A farmer's own profile, read with the user's token (access.farmer_profile); viewonly: the
    #: profile's own `user_id` is what links them.
    farmer_profile: Mapped[FarmerProfile | None] = relationship(viewonly=True, uselist=False)

    @hybrid_property
    def display_name(self) -> str:
        """How the user is named to others: their name, or their e-mail address without one."""
        return self.name or self.email

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls) -> ColumnElement[str]:
        return func.coalesce(func.nullif(cls.name, ""), cls.email)

    @property
    def provinces(self) -> list[str]:
        """Province codes this user may act on (sorted)."""

        if self.all_provinces:
            return list(PROVINCE_CODES)
        return sorted(scope.province for scope in self.province_scopes)

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active


class UserProvince(db.Model):
    """One province in a user's mandate or audit scope."""

    __tablename__ = "user_provinces"
    __table_args__ = (province_check("province"),)

    #: The user.
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: Two-letter province code.
    province: Mapped[str] = mapped_column(String(2), primary_key=True)

    user: Mapped[User] = relationship(back_populates="province_scopes")


class TokenKind(enum.StrEnum):
    """Where a token is used."""

    #: A browser session (the id in the signed session cookie).
    WEB = "web"
    #: A bearer token for the API.
    API = "api"


class AuthToken(CreatedMixin, db.Model):
    """A server-side session or API token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Owner.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: web session or API token.
    kind: Mapped[TokenKind] = mapped_column(enum_type(TokenKind, "token_kind"))
    #: hex SHA-256 of the secret handed out.
    token_hash: Mapped[str] = mapped_column(String(64))
    #: The token stops working after this moment.
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Set at logout or by an admin.
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship(lazy="joined")
