"""flask demo seed: demo users for every role (printed with their passwords)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select

from faunaschade.accounts.users import create_user
from faunaschade.clock import AMSTERDAM
from faunaschade.extensions import db
from faunaschade.gis.layers import seed_illustrative_layers
from faunaschade.models import Claim, FarmerProfile, Role, User

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
@click.option(
    "--claims",
    "claims",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also write this many realistic claims with their history.",
)
@click.option(
    "--seed",
    "seed_value",
    type=int,
    default=2026,
    show_default=True,
    help="Random seed: the same seed and --as-of give the same claims.",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Write the claims only when the database holds none yet (make run).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Write the history up to this day (default: now).",
)
def seed(claims: int, seed_value: int, if_empty: bool, as_of: datetime | None) -> None:
    """Create demo users for every role and print their logins; optionally N claims."""
    rows = seed_users()
    if added := seed_illustrative_layers():
        db.session.commit()
        click.echo(f"{len(added)} illustrative map layers loaded (illustratief, niet officieel)")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role, _ in rows:
        click.echo(f"  {role:<9} {email}")
    if claims and if_empty and db.session.scalar(select(Claim.id).limit(1)) is not None:
        click.echo("claims present: no demo claims added")
        claims = 0
    if claims:
        # Imported here: the seeding machinery is large and only this command needs it.
        from faunaschade.seed import seed_claims

        now = None
        if as_of is not None:  # the end of that working day in the Netherlands
            now = as_of.replace(hour=18, tzinfo=AMSTERDAM).astimezone(UTC)
        report = seed_claims(
            claims, seed=seed_value, now=now, password=DEMO_PASSWORD, progress=click.echo
        )
        click.echo(
            f"{report.claims} claims seeded ({report.rows} rows, {report.events} audit events) "
            f"in {report.seconds:.1f} s"
        )
        click.echo("  officer   behandelaar-<province>-1|2@demo.faunaschade.nl for every province")
