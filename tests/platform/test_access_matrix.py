"""Every endpoint × every role: who may, who gets 401/login, who gets 403/404 (SPEC §1).

The matrix (tests/support/access_matrix.py) is explicit: a new endpoint (or a new method on a
rule) without a row makes `test_matrix_covers_every_endpoint` fail. Each row names the roles
that are allowed; every other logged-in role must get 403 or 404 and never see the other's
data; anonymous callers get 401 (API) or a redirect to /login (pages), unless the row says the
endpoint is public.
"""

from __future__ import annotations

import os

import pytest

from tests.support.access_matrix import (
    CLAIM_READERS,
    MATRIX,
    MAY_SEE_CLAIM,
    OK,
    ROLES,
    SKIPPED,
    _call,
    _outcome,
    build_world,
    url_map_keys,
)


def test_matrix_covers_every_endpoint(app):
    keys = url_map_keys(app)
    assert set(MATRIX) - keys == set(), "rows for endpoints that no longer exist"
    assert keys - set(MATRIX) == set(), "endpoints without a row in the access matrix"
    skipped = {rule.endpoint for rule in app.url_map.iter_rules()} & SKIPPED
    assert skipped == SKIPPED


@pytest.fixture
def world(request, app, session, make_user, monkeypatch, redis_conn):
    """One claim (farmer_own's, province DR) with parcel, assessment, attachment, letter,
    payment and a payment batch; and one logged-in client (web + API) per role."""
    return build_world(request.node.callspec.params["key"], app, session, make_user, monkeypatch)


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_access(key, world):
    api = key.split(" ", 1)[1].startswith("/api/")
    wrong = []
    # Denied roles first: an allowed call may change the claim's state.
    order = sorted(ROLES, key=lambda role: MATRIX[key][role] == OK)
    for role in order:
        expected = MATRIX[key][role]
        response = _call(role, key, world)
        got = _outcome(key, response, api)
        if os.environ.get("ACCESS_MATRIX_SHOW"):
            location = response.headers.get("Location", "")
            print(f"CELL {key} | {role} | {got} {response.status_code} {location}")
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got} ({response.status_code})")
        elif expected != OK or role not in CLAIM_READERS + tuple(MAY_SEE_CLAIM.get(key, ())):
            body = response.get_data(as_text=True)
            leaked = [s for s in world["secrets"] if s and s in body]
            if leaked:
                wrong.append(f"{role}: answer shows someone else's {leaked}")
    assert not wrong, f"{key}: " + "; ".join(wrong)


def test_cell_count(app):
    keys = url_map_keys(app)
    n = len(MATRIX) * len(ROLES)
    print(f"access matrix: {n} cells ({len(keys)} endpoints × {len(ROLES)} roles)")
    assert n == len(keys) * len(ROLES)
