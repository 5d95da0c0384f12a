"""flask users create."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from faunaschade.accounts.users import create_user
from faunaschade.errors import ValidationFailed
from faunaschade.extensions import db
from faunaschade.models import Role
from faunaschade.provinces import PROVINCE_CODES

users = AppGroup("users", help="Manage users.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--province",
    "provinces",
    multiple=True,
    type=click.Choice(PROVINCE_CODES),
    help="Province in the user's scope; repeat for more.",
)
@click.option("--all-provinces", is_flag=True, help="Scope over every province (auditors).")
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(
    email: str,
    role: str,
    provinces: tuple[str, ...],
    all_provinces: bool,
    name: str,
    password_stdin: bool,
) -> None:
    """Create a user with a role and province scope."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            email, password, Role(role), provinces, name=name, all_provinces=all_provinces
        )
    except ValidationFailed as exc:
        db.session.rollback()
        for field, problems in exc.fields.items():
            click.echo(f"error: {field}: {' '.join(problems)}", err=True)
        raise SystemExit(2) from None
    db.session.commit()
    scope = ", ".join(user.provinces) or "-"
    click.echo(f"created {user.email} role={user.role.value} provinces={scope}")
