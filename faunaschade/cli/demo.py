"""flask demo seed: demo users for every role (printed with their passwords), the demo stories
of every feature (seed/stories.py) and, with --claims N, N generated claims."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from faunaschade.accounts.users import create_user
from faunaschade.clock import AMSTERDAM
from faunaschade.extensions import db
from faunaschade.gis.layers import seed_illustrative_layers
from faunaschade.models import Claim, FarmerProfile, Role, User
from faunaschade.models.jobs import JobRecord, JobStatus

demo = AppGroup("demo", help="Demo data.")

DEMO_PASSWORD = "demo-wachtwoord-2026"

#: The farm of each demo farmer-role account: (KvK, IBAN, address, postcode, city).
DEMO_FARMS = {
    "boer@demo.faunaschade.nl": ("01234567", "NL91ABNA0417164300", "Dijkweg 1", "8501 AA", "Joure"),
    "gemachtigde@demo.faunaschade.nl": (
        "07654321",
        "NL44RABO0123456789",
        "Industrieweg 4",
        "8601 AB",
        "Sneek",
    ),
}
#: Shown beside a login at `make run`.
DEMO_NOTES = {"gemachtigde@demo.faunaschade.nl": "(gemachtigde van boer@demo.faunaschade.nl)"}

#: (e-mail, role, name, provinces, all provinces)
DEMO_USERS = [
    ("boer@demo.faunaschade.nl", Role.FARMER, "Melkveebedrijf De Vries", (), False),
    # A farmer-role account like any (with a farm of its own), authorised by the demo farmer.
    ("gemachtigde@demo.faunaschade.nl", Role.FARMER, "Loonbedrijf Hoekstra", (), False),
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
                kvk, iban, address, postcode, city = DEMO_FARMS[email]
                db.session.add(
                    FarmerProfile(
                        user_id=existing.id,
                        name=name,
                        kvk=kvk,
                        iban=iban,
                        address=address,
                        postcode=postcode,
                        city=city,
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
        click.echo(f"  {role:<9} {email} {DEMO_NOTES.get(email, '')}".rstrip())
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
    # After the claims: the stories happen now, after the generated history (the audit chain
    # runs in time order). Told once: nothing when the demo farmer already has parcels.
    from faunaschade.seed.stories import seed_stories

    # Without Redis the stories' letters and e-mails are made in this process; with no SMTP
    # server (make run) every e-mail fails: one line below says so instead of a traceback each.
    # The checkpoint's log line (its certificate in full) is left out too: the summary names it.
    quiet = [logging.getLogger(n) for n in ("faunaschade.jobs.core", "faunaschade.audit")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        told = seed_stories()
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    if told is not None:
        click.echo(f"Demo stories of {told.parcels} parcels, {len(told.claims)} claims:")
        for line in told.lines:
            click.echo(f"  {line}")
        failed = db.session.scalar(
            select(func.count()).where(
                JobRecord.status == JobStatus.FAILED, JobRecord.name == "mail.notify"
            )
        )
        if failed:
            click.echo(
                f"  {failed} e-mails not sent: no SMTP server at "
                f"{current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}"
            )
