"""Subscribers' HMAC secrets at rest (README "Event notifications").

The secret has to be readable (every delivery is signed with it), so it is encrypted, not
hashed: Fernet (AES-128-CBC with an HMAC-SHA256 tag, from `cryptography`) under a key derived
from SECRET_KEY by HKDF-SHA256 with a label of its own, so the key is never SECRET_KEY itself
and no other use of SECRET_KEY (session cookies, CSRF) yields it. Whoever reads only the
database (a backup, a dump) cannot sign events.

Rotating SECRET_KEY: put the old key in SECRET_KEY_FALLBACKS (the new one in SECRET_KEY);
secrets sealed under the old key still open, and `flask events reseal-secrets` seals every one
under the new key, after which the fallback can go.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

#: The HKDF label: a key for this purpose only (version 1 of the scheme).
_INFO = b"faunaschade/event-subscriber-secret/v1"


class SecretUnreadable(Exception):
    """The sealed secret does not open with SECRET_KEY or any of SECRET_KEY_FALLBACKS."""


def _fernet(secret_key: str | bytes) -> Fernet:
    raw = secret_key.encode() if isinstance(secret_key, str) else secret_key
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(raw)
    return Fernet(base64.urlsafe_b64encode(derived))


def box(secret_key: str | bytes, fallbacks: Iterable[str | bytes] = ()) -> MultiFernet:
    """Seals with `secret_key`; opens what it or any fallback sealed."""
    return MultiFernet([_fernet(secret_key), *(_fernet(k) for k in fallbacks if k)])


def _app_box() -> MultiFernet:
    config = current_app.config
    return box(config["SECRET_KEY"], config.get("SECRET_KEY_FALLBACKS") or ())


def seal(secret: str) -> str:
    """The secret as stored: a Fernet token (text) under the current SECRET_KEY."""
    return _app_box().encrypt(secret.encode()).decode()


def unseal(token: str) -> str:
    """The secret a token holds (SecretUnreadable when no configured key opens it)."""
    try:
        return _app_box().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("no SECRET_KEY or SECRET_KEY_FALLBACKS opens it") from exc


def reseal(token: str) -> str:
    """The same secret sealed under the current SECRET_KEY (after a rotation)."""
    try:
        return _app_box().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("no SECRET_KEY or SECRET_KEY_FALLBACKS opens it") from exc
