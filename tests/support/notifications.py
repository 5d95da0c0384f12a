"""A crop claim of a new farmer, for the mail tests (and anything else that needs one quickly)."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from faunaschade.models import Claim, ClaimKind, ClaimStatus, FarmerProfile, Role, User

FARMER_NAME = "Fenna Boersma-Wâldsma"
_serial = count(1)


def make_claim(session: Any, **fields: Any) -> Claim:
    """A crop claim in Fryslân by a new farmer, flushed; `fields` override the claim's columns."""
    n = next(_serial)
    user = User(email=f"fenna{n}@boerderij.example", password_hash="-", role=Role.FARMER)
    session.add(user)
    session.flush()
    farmer = FarmerProfile(
        user_id=user.id,
        name=FARMER_NAME,
        kvk=f"{n:08d}",
        iban="NL91ABNA0417164300",
        address="Dijk 1",
        postcode="1234 AB",
        city="Joure",
    )
    session.add(farmer)
    session.flush()
    values: dict[str, Any] = {
        "reference": f"FS-2025-{n:06d}",
        "farmer_id": farmer.id,
        "province": "FR",
        "kind": ClaimKind.CROP,
        "crop": "grasland",
        "discovered_on": date(2025, 3, 3),
        "status": ClaimStatus.SUBMITTED,
    }
    claim = Claim(**(values | fields))
    session.add(claim)
    session.flush()
    return claim
