"""Turn posted HTML forms into the API's load schemas, so web and API validate alike."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from faunaschade.errors import flatten_messages
from faunaschade.i18n import N_


def load(
    schema: Schema, data: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """(loaded data, {}) or (None, field path → messages)."""
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        return None, flatten_messages(exc.messages)


def load_all(
    schema: Schema, data: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, Any], dict[str, list[str]]]:
    """(loaded data or None, the fields that did load, field path → messages): a form that
    fails the schema can still have its valid fields checked by the business rules."""
    try:
        loaded = schema.load(data)
        return loaded, loaded, {}
    except ValidationError as exc:
        valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        return None, valid, flatten_messages(exc.messages)


def merge_errors(first: dict[str, list[str]], *more: dict[str, list[str]]) -> dict[str, list[str]]:
    """Field messages of several checks together; a message is named once per field."""
    merged = {k: list(v) for k, v in first.items()}
    for errors in more:
        for path, messages in errors.items():
            known = merged.setdefault(path, [])
            known.extend(m for m in messages if m not in known)
    return merged


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
            # "" is the claim form's "Volgens de kaart": left out, the map gives it.
            **(
                {"area_type": form.get(f"area_type_{parcel_id}", "regular")}
                if form.get(f"area_type_{parcel_id}", "regular")
                else {}
            ),
        }
        for parcel_id in parcel_ids
        if form.get(f"include_{parcel_id}")
    ]
    return data


#: A parcel row's fields on the claim form, as the summary names them.
PARCEL_FIELD_LABELS = {
    "parcel_id": N_("perceel"),
    "damaged_area_ha": N_("beschadigde oppervlakte (ha)"),
    "area_type": N_("gebiedstype"),
}


def parcel_row_errors(errors: dict[str, list[str]], data: dict[str, Any]) -> dict[str, Any]:
    """Move errors of parcels[i].x onto the parcel's own id ("damaged_area_ha_12") so the form
    shows them next to that row's field, and the summary links to its input (f-<key>)."""
    moved: dict[str, Any] = {}
    for path, messages in errors.items():
        match = re.fullmatch(r"parcels\[(\d+)\](?:\.(\w+))?", path)
        if match and int(match[1]) < len(data.get("parcels", [])):
            field = match[2] if match[2] in PARCEL_FIELD_LABELS else "parcel_id"
            parcel_id = data["parcels"][int(match[1])]["parcel_id"]
            key = f"{field}_{parcel_id}"
            moved[key] = [*moved.get(key, []), *messages]
        else:
            # "species[2]" (a code not on the form, so typed by hand) belongs to its list.
            key = re.sub(r"\[\d+\].*$", "", path)
            moved[key] = [*moved.get(key, []), *messages]
    return moved


def parcel_row_labels(parcels: list[Any]) -> dict[str, str]:
    """The summary's name for each parcel row field: "Perceel 'Noord': gebiedstype", in the
    page's language."""
    return {
        f"{field}_{parcel.id}": gettext(
            "Perceel '%(name)s': %(field)s", name=parcel.name, field=gettext(label)
        )
        for parcel in parcels
        for field, label in PARCEL_FIELD_LABELS.items()
    }
