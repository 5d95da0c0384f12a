"""Claims in a given status, brought there through the domain functions: `claim_in("decided")`.

The claim belongs to the `farmer` fixture; `officer` proposes, `second_officer` approves and
`assessor` assessed it (tests/plugins/people.py). The statuses it reaches are
tests.support.claims.CLAIM_STATUSES.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from faunaschade.models import Claim
from tests.support.claims import claim_in_status


@pytest.fixture
def claim_in(request, session, farmer, officer, assessor) -> Callable[..., Claim]:
    """`claim_in(status, **assessed_claim_options)`: a Drenthe claim in that status."""

    def build(status: str, **options) -> Claim:
        people = {"farmer": farmer, "a": officer, "assessor": assessor}
        if status not in ("assessed", "proposed"):  # four eyes: a second officer approves
            people["b"] = request.getfixturevalue("second_officer")
        return claim_in_status(status, people, session=session, **options)

    return build
