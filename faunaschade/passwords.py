"""argon2id password hashing and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("no-such-user-placeholder")

MIN_LENGTH = 12
#: "abababababab12" is long enough but guessed almost as fast as "ab12".
MIN_DISTINCT = 6


def hash_password(password: str) -> str:
    """argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; an unknown user costs as much as a wrong password."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)


def policy_problem(password: str) -> str | None:
    """Why the password is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return f"Het wachtwoord moet minstens {MIN_LENGTH} tekens lang zijn."
    if not password.strip():
        return "Het wachtwoord mag niet alleen uit spaties bestaan."
    if len(set(password)) < MIN_DISTINCT:
        return f"Gebruik minstens {MIN_DISTINCT} verschillende tekens in het wachtwoord."
    if password.isdigit() or password.isalpha():
        return "Gebruik letters én cijfers of leestekens in het wachtwoord."
    return None
