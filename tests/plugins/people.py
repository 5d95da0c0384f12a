"""Users of every role, in the test transaction: `make_user(role)`, and one of each by name.

`farmer` (with a profile), `officer` and `second_officer` (both Drenthe, for four eyes),
`assessor`, `auditor` (Drenthe) and `admin`; `api_token(user)` is a bearer header for a user.
Every one has the password DEMO_PASSWORD (tests.support.app).
"""

from __future__ import annotations

import pytest

from faunaschade.accounts.users import create_user
from faunaschade.models import FarmerProfile, Role
from tests.support.app import DEMO_PASSWORD


def user_maker(session, first: int = 1):
    """`make(role, provinces, **kwargs)`: a user (farmers get a profile) in `session`, numbered
    from `first` (their e-mail addresses and KvK numbers follow the number)."""
    counter = iter(range(first, first + 10_000))

    def make(role: str = "farmer", provinces: tuple[str, ...] = (), **kwargs):
        n = next(counter)
        email = kwargs.pop("email", f"{role}{n}@example.nl")
        if role in ("officer", "auditor") and not provinces and not kwargs.get("all_provinces"):
            provinces = ("FR",)
        user = create_user(email, DEMO_PASSWORD, Role(role), provinces, **kwargs)
        if role == "farmer":
            session.add(
                FarmerProfile(
                    user_id=user.id,
                    name=f"Boer {n}",
                    kvk=f"{n:08d}",
                    iban="NL91ABNA0417164300",
                    address="Dijk 1",
                    postcode="1234 AB",
                    city="Joure",
                )
            )
        session.flush()
        return user

    return make


@pytest.fixture
def make_user(session):
    """Create a user (farmers get a profile) in the test transaction."""
    return user_maker(session)


@pytest.fixture
def api_token(client):
    """A bearer header for a user."""

    def token_for(user) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 201, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}

    return token_for


@pytest.fixture
def farmer(make_user):
    """A farmer with a profile."""
    return make_user("farmer")


@pytest.fixture
def officer(make_user):
    """A Drenthe officer (officer A of four eyes)."""
    return make_user("officer", provinces=("DR",))


@pytest.fixture
def second_officer(make_user):
    """Another Drenthe officer (officer B of four eyes)."""
    return make_user("officer", provinces=("DR",))


@pytest.fixture
def assessor(make_user):
    return make_user("assessor")


@pytest.fixture
def auditor(make_user):
    """A Drenthe auditor."""
    return make_user("auditor", provinces=("DR",))


@pytest.fixture
def admin(make_user):
    return make_user("admin")
