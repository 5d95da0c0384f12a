"""What the claim form and the melding form do alike with a posted form: the parcel rows as
typed, one round of checks (the schema, then the parcels' rules on what passed it), the save,
the questions the parcels leave open, and the page. Their fields are one macro too
(templates/claims/_parcel_fields.html)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import render_template
from flask_login import current_user
from marshmallow import Schema

from faunaschade.claims import operations as claims
from faunaschade.claims.from_parcels import FIELDS as FROM_PARCELS
from faunaschade.claims.from_parcels import undecided
from faunaschade.models import FarmerProfile, Parcel
from faunaschade.web.formdata import load_all, merge_errors, parcel_row_errors, parcel_row_labels
from faunaschade.web.use_case import Failed
from faunaschade.web.vocab import vocabulary


def typed_values(form: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The form's values to show again: `data`, with each row as typed (a decimal comma stays
    a comma), not as the schema was given it."""
    values = dict(data)
    values["rows"] = {
        line["parcel_id"]: {
            **line,
            "damaged_area_ha": form.get(f"damaged_area_{line['parcel_id']}", "").strip(),
        }
        for line in data.get("parcels", [])
    }
    return values


class Posted(NamedTuple):
    """A posted form: the saved form's redirect, or None with what the form shows again."""

    response: Any
    errors: dict[str, Any]
    ask: dict[str, bool]


def submit(
    profile: FarmerProfile,
    own_parcels: list[Parcel],
    schema: Schema,
    data: dict[str, Any],
    save: Callable[[dict[str, Any]], Any],
) -> Posted:
    """Check `data` in one round and, when it loads, `save` it (a `run` of the use case: its
    redirect, or a `Failed`). Otherwise the errors, each parcel row's on that row, and the
    province and crop questions to ask: once shown (asked, or answered), a question stays
    until the answer is saved."""
    loaded, valid, errors = load_all(schema, data)
    if loaded is None:
        # One round: the business rules on the fields that passed the schema, too (the
        # rows only while they still line up with the form's, which the paths count on).
        if len(valid.get("parcels") or []) != len(data["parcels"]):
            valid.pop("parcels", None)
        errors = merge_errors(errors, claims.claim_problems(profile, valid))
    else:
        outcome = save(loaded)
        if not isinstance(outcome, Failed):
            return Posted(outcome, {}, {})
        errors = outcome.fields
    errors = parcel_row_errors(errors, data)
    by_id = {p.id: p for p in own_parcels}
    chosen = [by_id[line["parcel_id"]] for line in data["parcels"]]
    ask = {f: f in errors or f in data or undecided(chosen, f) for f in FROM_PARCELS}
    return Posted(None, errors, ask)


def page(
    template: str,
    profile: FarmerProfile,
    filers: dict[int, str],
    own_parcels: list[Parcel],
    values: dict[str, Any],
    errors: dict[str, Any],
    ask: dict[str, bool],
    **context: Any,
) -> tuple[str, int]:
    """The form page for `profile` (a representative's `filers` to choose between), 422 with
    errors."""
    return render_template(
        template,
        parcels=own_parcels,
        values=values,
        errors=errors,
        ask=ask,
        row_labels=parcel_row_labels(own_parcels),
        filers=filers,
        filing_for=profile,
        on_behalf=profile.user_id != current_user.id,
        **context,
        **vocabulary(),
    ), 422 if errors else 200
