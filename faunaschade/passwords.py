"""argon2id password hashing and the password policy."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _

#: argon2id parameters by the name in the PASSWORD_HASHING setting. "strong" is RFC 9106's
#: low-memory profile (64 MiB, 3 passes; argon2-cffi's default), what every environment but the
#: tests uses; "cheap" exists for the test configuration alone, where thousands of users are
#: made and log in (a hash there costs 0.1 ms instead of about 100 ms).
PROFILES = {"strong": profiles.RFC_9106_LOW_MEMORY, "cheap": profiles.CHEAPEST}

MIN_LENGTH = 12
#: "abababababab12" is long enough but guessed almost as fast as "ab12".
MIN_DISTINCT = 6


@cache
def _hasher_named(profile: str) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher.from_parameters(PROFILES[profile])
    # Verified against when the e-mail is unknown, so both paths cost the same time.
    return hasher, hasher.hash("no-such-user-placeholder")


def hasher() -> PasswordHasher:
    """The hasher of the app's PASSWORD_HASHING profile ("strong" outside an app)."""
    return _profile()[0]


def _profile() -> tuple[PasswordHasher, str]:
    name = current_app.config.get("PASSWORD_HASHING", "strong") if has_app_context() else "strong"
    return _hasher_named(name)


def hash_password(password: str) -> str:
    """argon2id hash of the password."""
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; an unknown user costs as much as a wrong password."""
    current, dummy = _profile()
    try:
        return current.verify(stored_hash or dummy, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return hasher().check_needs_rehash(stored_hash)


def policy_problem(password: str) -> str | None:
    """Why the password is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return _("Het wachtwoord moet minstens %(n)s tekens lang zijn.", n=MIN_LENGTH)
    if not password.strip():
        return _("Het wachtwoord mag niet alleen uit spaties bestaan.")
    if len(set(password)) < MIN_DISTINCT:
        return _("Gebruik minstens %(n)s verschillende tekens in het wachtwoord.", n=MIN_DISTINCT)
    if password.isdigit() or password.isalpha():
        return _("Gebruik letters én cijfers of leestekens in het wachtwoord.")
    return None
