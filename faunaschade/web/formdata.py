"""Turn posted HTML forms into the API's load schemas, so web and API validate alike."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from faunaschade.errors import flatten_messages


def load(
    schema: Schema, data: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """(loaded data, {}) or (None, field path → messages)."""
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        return None, flatten_messages(exc.messages)


def whole_number(raw: Any, maximum: int = 2**31 - 1) -> int | None:
    """A typed whole number from 0 to `maximum` (ASCII digits only), else None.

    Not str.isdigit(): that is true for '²', which int() refuses, and for a 5000-digit string.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not re.fullmatch(r"[0-9]{1,10}", text) or int(text) > maximum:
        return None
    return int(text)


def number_or_text(raw: str | None) -> Any:
    """A typed whole number as an int for a strict Integer field; anything else unchanged, so
    the schema reports what is wrong with it (a missing value stays None: required)."""
    number = whole_number(raw)
    return raw if number is None else number


def present(form: MultiDict, *names: str) -> dict[str, Any]:
    """The named single-value fields that were filled in (empty ones left out)."""
    return {name: form[name].strip() for name in names if form.get(name, "").strip()}


def claim_form_data(form: MultiDict, parcel_ids: list[int]) -> dict[str, Any]:
    """The claim form (one row per own parcel) as the claim schema's input."""
    data: dict[str, Any] = present(form, "province", "crop", "discovered_on", "description")
    data["species"] = form.getlist("species")
    data["preventive_measures"] = form.getlist("preventive_measures")
    data["parcels"] = [
        {
            "parcel_id": parcel_id,
            "damaged_area_ha": form.get(f"damaged_area_{parcel_id}", "").strip().replace(",", "."),
            "area_type": form.get(f"area_type_{parcel_id}", "regular"),
        }
        for parcel_id in parcel_ids
        if form.get(f"include_{parcel_id}")
    ]
    return data


def parcel_row_errors(errors: dict[str, list[str]], data: dict[str, Any]) -> dict[str, Any]:
    """Move errors of parcels[i].x onto the parcel's own id so the form shows them in place."""
    moved: dict[str, Any] = {}
    for path, messages in errors.items():
        if path.startswith("parcels[") and "]" in path:
            index = int(path[len("parcels[") : path.index("]")])
            field = path[path.index("]") + 2 :] or "parcel_id"
            parcel_id = data["parcels"][index]["parcel_id"]
            moved[f"{field}_{parcel_id}"] = messages
        else:
            moved[path] = messages
    return moved
