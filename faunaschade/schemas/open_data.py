"""Open data query and answer schemas (GET /api/v1/open-data/statistics)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from faunaschade.i18n import N_
from faunaschade.statistics.open_data import KEYS

DEFAULT_GROUP_BY = ",".join(KEYS)
FORMATS = ("json", "csv")


def _keys(value: str) -> list[str]:
    return [key.strip() for key in value.split(",") if key.strip()]


class OpenDataQuerySchema(Schema):
    """Grouping and format; no filters (every answer is cut from the same suppressed table)."""

    group_by = fields.String(
        load_default=DEFAULT_GROUP_BY,
        validate=validate.Length(max=200, error=N_("Te lang.")),
        metadata={
            "description": "Comma-separated, any of: " + ", ".join(KEYS) + "; empty for the "
            "total alone. Subtotals over every smaller grouping come along."
        },
    )
    release = fields.Integer(
        load_default=None,
        strict=False,
        validate=validate.Range(min=1, max=2**31 - 1, error=N_("Geen bestaand releasenummer.")),
        error_messages={"invalid": N_("Geef het nummer van een release.")},
        metadata={"description": "an earlier release (see the catalogue); default the newest"},
    )
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(FORMATS, error=N_("Onbekend formaat: {input}.")),
    )

    @validates("group_by")
    def _known_keys(self, value: str, **_: Any) -> None:
        keys = _keys(value)
        unknown = [key for key in keys if key not in KEYS]
        if unknown:
            raise ValidationError(
                N_(
                    "Onbekende groepering: %(unknown)s. Kies uit %(keys)s.",
                    unknown=", ".join(unknown)[:100],
                    keys=", ".join(KEYS),
                )
            )
        if len(set(keys)) != len(keys):
            raise ValidationError(N_("Noem elke groepering één keer."))

    @post_load
    def _split(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["group_by"] = _keys(data["group_by"])
        return data


class OpenDataRowSchema(Schema):
    """One aggregate: the keys grouped by, the measures (null when suppressed)."""

    damage_year = fields.Integer(metadata={"description": "schadejaar, by the year it ends in"})
    province = fields.String(metadata={"description": "two-letter code"})
    species_group = fields.String(
        metadata={"description": "ganzen, andere_vogels, zoogdieren, wolf_goudjakhals, meerdere"}
    )
    crop_group = fields.String(metadata={"description": "the catalogue's crop group; vee"})
    claims = fields.Integer(allow_none=True)
    reports = fields.Integer(allow_none=True, metadata={"description": "meldingen"})
    granted = fields.Integer(allow_none=True)
    paid = fields.String(allow_none=True, metadata={"description": "euros, e.g. 1234.50"})
    assessed_damage = fields.String(allow_none=True, metadata={"description": "euros"})
    suppressed = fields.Boolean(metadata={"description": "true: the measures are withheld"})


class OpenDataLevelSchema(Schema):
    group_by = fields.List(fields.String())
    rows = fields.List(fields.Nested(OpenDataRowSchema))


class OpenDataPeriodSchema(Schema):
    start = fields.Date()
    end = fields.Date()


class OpenDataReleaseSchema(Schema):
    """Which release the figures are."""

    id = fields.Integer()
    created_at = fields.DateTime(metadata={"description": "when it was cut"})
    sha256 = fields.String(metadata={"description": "of the stored, suppressed cube"})
    period = fields.Nested(OpenDataPeriodSchema, allow_none=True)


class OpenDataSchema(Schema):
    """The open statistics (format=json) of one release."""

    modified = fields.DateTime(metadata={"description": "when the release was cut"})
    release = fields.Nested(OpenDataReleaseSchema)
    license = fields.String(metadata={"description": "CC0 1.0"})
    group_by = fields.List(fields.String())
    min_cell = fields.Integer(metadata={"description": "fewer claims or meldingen: suppressed"})
    min_farmers = fields.Integer(metadata={"description": "fewer farmers: suppressed"})
    rows = fields.List(fields.Nested(OpenDataRowSchema))
    subtotals = fields.List(fields.Nested(OpenDataLevelSchema))
    totals = fields.Nested(OpenDataRowSchema)
