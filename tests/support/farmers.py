"""Builders for the farmer-journey tests (API level), and a farm made directly in the database."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from PIL import Image

from faunaschade import clock
from faunaschade.accounts.users import create_user
from faunaschade.extensions import db
from faunaschade.models import FarmerProfile, Role
from faunaschade.rules import add_working_days
from tests.support.app import DEMO_PASSWORD

PASSWORD = "lange-wachtwoord-2026"


def registration(**overrides: Any) -> dict[str, str]:
    body = {
        "email": "jan@boerderij.nl",
        "password": PASSWORD,
        "name": "Maatschap De Vries",
        "kvk": "01234567",
        "iban": "NL91 ABNA 0417 1643 00",
        "address": "Dijkweg 12",
        "postcode": "8501ab",
        "city": "Joure",
    }
    body.update(overrides)
    return body


def parcel_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Achter de schuur",
        "area_ha": "4.2000",
        "crop": "blijvend_grasland",
        "tenure": "own",
    }
    body.update(overrides)
    return body


def recent_workday() -> date:
    """A discovery date whose 7-working-day deadline is still ahead."""
    day = clock.today() - timedelta(days=1)
    while add_working_days(day, 7) < clock.today():
        day += timedelta(days=1)
    return day


def claim_body(parcel_id: int, **overrides: Any) -> dict[str, Any]:
    body = {
        "province": "FR",
        "crop": "blijvend_grasland",
        "discovered_on": recent_workday().isoformat(),
        "species": ["grauwe_gans", "brandgans"],
        "parcels": [{"parcel_id": parcel_id, "damaged_area_ha": "2.5", "area_type": "regular"}],
        "preventive_measures": ["acoustic", "visual"],
        "description": "Ganzen op het land.",
    }
    body.update(overrides)
    return body


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def register_and_login(client, **overrides: Any) -> dict[str, str]:
    """Register a farmer through the API and return its bearer header."""
    body = registration(**overrides)
    response = client.post("/api/v1/register", json=body)
    assert response.status_code == 202, response.json
    token = client.post("/api/v1/auth/token", json={"email": body["email"], "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json['token']}"}


def make_farm(
    email: str, name: str, farm_name: str, address: str, postcode: str, city: str
) -> FarmerProfile:
    """A farmer `name` (password DEMO_PASSWORD) and the profile of the farm, flushed in
    db.session; the farmer is its `user`."""
    user = create_user(email, DEMO_PASSWORD, Role.FARMER, name=name)
    profile = FarmerProfile(
        user_id=user.id,
        name=farm_name,
        kvk="01234567",
        iban="NL91ABNA0417164300",
        address=address,
        postcode=postcode,
        city=city,
    )
    db.session.add(profile)
    db.session.flush()
    return profile
