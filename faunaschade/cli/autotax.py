"""``flask autotax run``: run autotax for a province and damage year; ``flask autotax sample``:
draw a run's review sample again from its recorded seed (or another) and compare."""

from __future__ import annotations

from decimal import Decimal
from typing import NoReturn

import click
from marshmallow import ValidationError

from faunaschade.accounts.users import user_by_email
from faunaschade.autotax import runs
from faunaschade.errors import AppError, ValidationFailed
from faunaschade.extensions import db
from faunaschade.models import AutotaxRun, Role
from faunaschade.schemas.autotax import RunInSchema

BAD_INPUT, REFUSED = 2, 1
#: The options as the messages name them.
_OPTIONS = {
    "province": "--province",
    "damage_year": "--year",
    "seed": "--seed",
    "sample_pct": "--sample-pct",
    "review_above": "--review-above",
    "assessor_email": "--assessor",
    "officer": "--officer",
}


def _fail(problems: dict[str, list[str]], status: int = BAD_INPUT) -> NoReturn:
    db.session.rollback()
    for field, messages in problems.items():
        for message in messages:
            click.echo(f"error: {_OPTIONS.get(field, field)}: {message}", err=True)
    raise SystemExit(status)


@click.group(name="autotax")
def autotax() -> None:
    """Autotax: the automatic goose assessment of registered parcels."""


@autotax.command("run")
@click.option("--province", required=True, help="Two-letter code, e.g. FR.")
@click.option("--year", "damage_year", required=True, type=int, help="Damage year, e.g. 2025.")
@click.option("--officer", required=True, help="E-mail address of the officer who runs it.")
@click.option("--assessor", default=None, help="E-mail address of the assessor of the sample.")
@click.option("--seed", default=None, type=int, help="Seed of the sample (default: random).")
@click.option("--sample-pct", "sample_pct", default="10", help="Percentage drawn at random.")
@click.option("--review-above", "review_above", default="5000", help="Review every claim above.")
def run_command(
    province: str,
    damage_year: int,
    officer: str,
    assessor: str | None,
    seed: int | None,
    sample_pct: str,
    review_above: str,
) -> None:
    """Make a claim with an automatic assessment for every registered parcel in the areas
    autotax covers, draw the review sample and order it from the assessor; print the run."""
    user = user_by_email(officer)
    if user is None or user.role != Role.OFFICER or not user.active:
        _fail({"officer": ["no active officer with this e-mail address"]})
    raw = {
        "province": province.upper(),
        "damage_year": damage_year,
        "seed": seed,
        "sample_pct": sample_pct,
        "review_above": review_above,
    }
    if assessor:
        raw["assessor_email"] = assessor
    try:
        data = RunInSchema().load(raw)
        run = runs.start_run(runs.RunParameters(**data), user)
    except ValidationError as error:
        _fail({k: list(v) for k, v in error.messages.items()})
    except ValidationFailed as error:
        _fail(error.fields or {"_schema": [error.message]})
    except AppError as error:
        _fail({"_schema": [error.message]}, REFUSED)
    db.session.commit()
    sampled = [row for row in run.claims if row.sampled]
    click.echo(
        f"autotax run #{run.id} {run.province} {run.damage_year}: {len(run.claims)} claims "
        f"from {run.registrations} registrations (table {run.table_version}, reference day "
        f"{run.reference_day.isoformat()})"
    )
    click.echo(
        f"sample: seed {run.seed}, {run.sample_pct}% at random, every claim above "
        f"{run.review_above}: {len(sampled)} claims"
    )
    for row in run.claims:
        mark = f"  sampled ({row.sample_reason})" if row.sampled else ""
        click.echo(f"  {row.claim.reference}  {row.overlap_ha} ha  {row.amount}{mark}")


@autotax.command("sample")
@click.argument("run_id", type=int)
@click.option("--seed", default=None, type=int, help="Another seed (default: the recorded one).")
def sample_command(run_id: int, seed: int | None) -> None:
    """Draw the run's sample again and compare it with the recorded one (exit 1 if it differs,
    which with the recorded seed means the record was changed)."""
    run = db.session.get(AutotaxRun, run_id)
    if run is None:
        _fail({"RUN_ID": [f"run {run_id} does not exist"]})
    drawn = runs.redraw(run, seed)
    recorded = runs.recorded_sample(run)
    references = {row.claim_id: row.claim.reference for row in run.claims}
    used = run.seed if seed is None else seed
    click.echo(f"run #{run.id}: seed {used}, {run.sample_pct}%, above {Decimal(run.review_above)}")
    for claim_id, reason in drawn.items():
        click.echo(f"  {references[claim_id]}  {reason}")
    same = drawn == recorded
    click.echo("same as recorded" if same else "differs from the recorded sample")
    raise SystemExit(0 if same else 1)
