"""Use cases around users: create, authenticate, issue and revoke tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from faunaschade.audit import chain as audit
from faunaschade.errors import Unauthorized, ValidationFailed
from faunaschade.extensions import db
from faunaschade.i18n import N_
from faunaschade.models import AuthToken, Role, TokenKind, User, UserProvince
from faunaschade.models.base import utcnow
from faunaschade.passwords import hash_password, needs_rehash, policy_problem, verify_password
from faunaschade.provinces import PROVINCE_CODES
from faunaschade.validators import normalise_email

LOGIN_FAILED = N_("E-mailadres of wachtwoord onjuist.")
SCOPED_ROLES = (Role.OFFICER, Role.AUDITOR)


def user_by_email(email: str | None) -> User | None:
    """The user with this address in any spelling, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _is_valid_email(email: str) -> bool:
    try:
        validate_email(email, check_deliverability=False)  # also the 254-character limit
    except EmailNotValidError:
        return False
    return True


def create_user(
    email: str,
    password: str,
    role: Role,
    provinces: list[str] | tuple[str, ...] = (),
    *,
    name: str = "",
    all_provinces: bool = False,
    actor: User | None = None,
) -> User:
    """Create a user after checking e-mail, password policy and province scope."""
    email = normalise_email(email)
    errors: dict[str, list[str]] = {}
    if not _is_valid_email(email):
        errors["email"] = [_("Geef een geldig e-mailadres.")]
    elif user_by_email(email) is not None:
        errors["email"] = [_("Dit e-mailadres is al in gebruik.")]
    if problem := policy_problem(password):
        errors["password"] = [problem]
    unknown = sorted(set(provinces) - set(PROVINCE_CODES))
    if unknown:
        errors["provinces"] = [_("Onbekende provincie: %(codes)s.", codes=", ".join(unknown))]
    elif role in SCOPED_ROLES and not provinces and not all_provinces:
        errors["provinces"] = [_("Een ambtenaar of controleur heeft minstens één provincie.")]
    if errors:
        raise ValidationFailed(fields=errors)
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        name=name,
        all_provinces=all_provinces,
        province_scopes=[UserProvince(province=code) for code in sorted(set(provinces))],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        user,
        actor=actor,
        data={"role": role.value, "provinces": user.provinces},
    )
    return user


def authenticate(email: str, password: str) -> User:
    """The user for these credentials; one message for unknown user and wrong password."""
    user = user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        raise Unauthorized(_(LOGIN_FAILED), code="invalid_credentials")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def repeat_registration(owner: User, password: str) -> None:
    """A sign-up for an address that has an account: the checks and cost of a new one, audited."""
    # The answer must not tell the two apart: same password refusal, same argon2 time.
    if problem := policy_problem(password):
        raise ValidationFailed(fields={"password": [problem]})
    hash_password(password)
    audit.record("user.registration_repeated", owner)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, kind: TokenKind, hours: int) -> str:
    """A new random token for the user; only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AuthToken(
            user_id=user.id,
            kind=kind,
            token_hash=_digest(raw),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return raw


@functools.cache
def _token_statement() -> Select:
    """The look-up of a token's user, built once: building it (its eager-load options above
    all) cost as much CPU as sending it and loading what it returns."""
    # One statement: the user holding the token (the token itself is only asked about, not
    # loaded), the user's provinces (every scoped query needs them) and a farmer's own profile
    # (most of a farmer's requests need it): each was a round trip of its own on every request.
    return (
        select(User)
        .join(AuthToken, AuthToken.user_id == User.id)
        .where(
            AuthToken.token_hash == bindparam("digest"),
            AuthToken.kind == bindparam("kind"),
            AuthToken.revoked_at.is_(None),
            AuthToken.expires_at > bindparam("now"),
            User.active.is_(True),
        )
        .options(joinedload(User.province_scopes), joinedload(User.farmer_profile))
    )


def user_for_token(raw: str, kind: TokenKind) -> User | None:
    """The active user holding this unexpired, unrevoked token."""
    values = {"digest": _digest(raw), "kind": kind, "now": utcnow()}
    return db.session.scalars(_token_statement(), values).unique().first()


def revoke_token(raw: str) -> None:
    """End a session or API token."""
    token = db.session.scalar(select(AuthToken).where(AuthToken.token_hash == _digest(raw)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()


def set_locale(user: User, locale: str) -> None:
    """Store the user's interface language (the language switch; e-mails follow it)."""
    if user.locale != locale:
        user.locale = locale
        db.session.flush()
