"""flask demo seed: demo users for every role (printed with their passwords)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from faunaschade.extensions import db
from faunaschade.models import FarmerProfile, Role, User
from faunaschade.services.users import create_user

demo = AppGroup("demo", help="Demo data.")

DEMO_PASSWORD = "demo-wachtwoord-2026"

#: (e-mail, role, name, provinces, all provinces)
DEMO_USERS = [
    ("boer@demo.faunaschade.nl", Role.FARMER, "Melkveebedrijf De Vries", (), False),
    ("taxateur@demo.faunaschade.nl", Role.ASSESSOR, "T. Taxateur", (), False),
    (
        "behandelaar-a@demo.faunaschade.nl",
        Role.OFFICER,
        "A. Behandelaar",
        ("FR", "NH", "DR"),
        False,
    ),
    (
        "behandelaar-b@demo.faunaschade.nl",
        Role.OFFICER,
        "B. Behandelaar",
        ("FR", "NH", "DR"),
        False,
    ),
    ("controleur@demo.faunaschade.nl", Role.AUDITOR, "C. Controleur", (), True),
    ("beheerder@demo.faunaschade.nl", Role.ADMIN, "D. Beheerder", (), False),
]


def seed_users() -> list[tuple[str, str, bool]]:
    """Create the demo users that do not exist yet; returns (email, role, created)."""
    result = []
    for email, role, name, provinces, all_provinces in DEMO_USERS:
        existing = db.session.scalar(select(User).where(User.email == email))
        if existing is None:
            existing = create_user(
                email, DEMO_PASSWORD, role, provinces, name=name, all_provinces=all_provinces
            )
            if role == Role.FARMER:
                db.session.add(
                    FarmerProfile(
                        user_id=existing.id,
                        name=name,
                        kvk="01234567",
                        iban="NL91ABNA0417164300",
                        address="Dijkweg 1",
                        postcode="8501 AA",
                        city="Joure",
                    )
                )
        result.append((email, role.value, existing is not None))
    db.session.commit()
    return result


@demo.command("seed")
def seed() -> None:
    """Create demo users for every role and print their logins."""
    rows = seed_users()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role, _ in rows:
        click.echo(f"  {role:<9} {email}")
