"""Statistics and audit-log query and answer schemas."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from faunaschade.i18n import N_
from faunaschade.provinces import PROVINCE_CODES
from faunaschade.rules.catalogue import CROPS, SPECIES
from faunaschade.statistics.figures import GROUP_KEYS, OUTCOMES

DEFAULT_GROUP_BY = "damage_year,province"
#: csv: codes and a decimal dot, for programs; csv-nl: for Dutch Excel (`;`, decimal comma,
#: Dutch headings and words, UTF-8 with BOM).
FORMATS = ("json", "csv", "csv-nl", "xlsx")


def _one_of(options, what: str) -> validate.OneOf:
    return validate.OneOf(list(options), error=N_("Onbekende %(what)s: {input}.", what=what))


class StatisticsQuerySchema(Schema):
    """GET /api/v1/statistics: grouping, filters and format."""

    group_by = fields.String(
        load_default=DEFAULT_GROUP_BY,
        metadata={
            "description": "Comma-separated, any of: " + ", ".join(GROUP_KEYS) + "; empty for "
            "one row of totals. Grouped by species, a claim with two species counts in both."
        },
    )
    damage_year = fields.Integer(
        load_default=None,
        validate=validate.Range(2000, 2100, error=N_("Geef een schadejaar, bijv. 2025.")),
        error_messages={"invalid": N_("Geef een schadejaar, bijv. 2025.")},
        metadata={"description": "Schadejaar by the year it ends in (1 Nov – 31 Oct)."},
    )
    province = fields.String(load_default=None, validate=_one_of(PROVINCE_CODES, N_("provincie")))
    species = fields.String(load_default=None, validate=_one_of(SPECIES, N_("diersoort")))
    crop = fields.String(load_default=None, validate=_one_of(CROPS, N_("teelt")))
    outcome = fields.String(
        load_default=None,
        validate=_one_of(OUTCOMES, N_("uitkomst")),
        metadata={"description": "Outcome of the decision in force; `none`: not decided."},
    )
    format = fields.String(load_default="json", validate=_one_of(FORMATS, N_("formaat")))

    @validates("group_by")
    def _known_keys(self, value: str, **_: Any) -> None:
        keys = [key.strip() for key in value.split(",") if key.strip()]
        unknown = [key for key in keys if key not in GROUP_KEYS]
        if unknown:
            raise ValidationError(
                N_(
                    "Onbekende groepering: %(unknown)s. Kies uit %(keys)s.",
                    unknown=", ".join(unknown),
                    keys=", ".join(GROUP_KEYS),
                )
            )
        if len(set(keys)) != len(keys):
            raise ValidationError(N_("Noem elke groepering één keer."))

    @post_load
    def _split(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["group_by"] = [key.strip() for key in data["group_by"].split(",") if key.strip()]
        return data


class StatisticsRowSchema(Schema):
    """One group (or the totals): only the keys grouped by are present."""

    damage_year = fields.Integer(allow_none=True)
    province = fields.String(allow_none=True, metadata={"description": "two-letter code"})
    species = fields.String(allow_none=True)
    crop = fields.String(allow_none=True, metadata={"description": "null for livestock"})
    month = fields.Integer(allow_none=True, metadata={"description": "month of discovery, 1–12"})
    outcome = fields.String(allow_none=True, metadata={"description": "null: not decided"})
    species_group = fields.String(
        metadata={
            "description": "ganzen, andere_vogels, zoogdieren, wolf_goudjakhals; meerdere "
            "when a claim names species of several groups (it counts once)"
        }
    )
    crop_group = fields.String(
        metadata={"description": "the catalogue's crop group; vee: livestock"}
    )
    claims = fields.Integer(metadata={"description": "submitted claims"})
    granted = fields.Integer(metadata={"description": "granted or partially granted"})
    rejected = fields.Integer()
    not_processed = fields.Integer(metadata={"description": "buiten behandeling (Awb 4:5)"})
    withdrawn = fields.Integer()
    overdue = fields.Integer(metadata={"description": "past an officer's deadline today"})
    assessed_damage = fields.Decimal(as_string=True, places=2)
    own_risk = fields.Decimal(as_string=True, places=2)
    paid = fields.Decimal(as_string=True, places=2, metadata={"description": "in paid batches"})
    leges_received = fields.Decimal(as_string=True, places=2)
    leges_refunded = fields.Decimal(as_string=True, places=2)
    median_days_to_decision = fields.Float(
        allow_none=True, metadata={"description": "median days from submission to decision"}
    )
    reports = fields.Integer(
        metadata={
            "description": "meldingen (damage reported without applying); absent when grouped "
            "or filtered by outcome"
        }
    )
    reports_converted = fields.Integer(
        metadata={"description": "meldingen turned into a claim (they still count as meldingen)"}
    )
    reported_damage = fields.Decimal(
        as_string=True, places=2, metadata={"description": "the meldingen's estimates (euros)"}
    )


class StatisticsSchema(Schema):
    """The statistics answer (format=json)."""

    as_of = fields.Date(metadata={"description": "peildatum: figures are revised over time"})
    group_by = fields.List(fields.String())
    filters = fields.Dict(keys=fields.String())
    provinces = fields.List(fields.String(), metadata={"description": "the caller's scope"})
    rows = fields.List(fields.Nested(StatisticsRowSchema))
    totals = fields.Nested(StatisticsRowSchema)


class AuditQuerySchema(Schema):
    """GET /api/v1/audit-events: filters, paging and format."""

    claim_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    actor_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    action = fields.String(load_default=None, validate=validate.Length(max=60))
    from_ = fields.Date(
        data_key="from", load_default=None, metadata={"description": "first day (Dutch time)"}
    )
    to = fields.Date(load_default=None, metadata={"description": "last day, inclusive"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    format = fields.String(load_default="json", validate=_one_of(("json", "csv"), "formaat"))

    @post_load
    def _period(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data["from_"] and data["to"] and data["to"] < data["from_"]:
            raise ValidationError({"to": [N_("Ligt vóór de begindatum.")]})
        return data


class AuditEventSchema(Schema):
    """One event of the hash chain."""

    id = fields.Integer()
    seq = fields.Integer(allow_none=True, metadata={"description": "Null until sealed."})
    occurred_at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_email = fields.String(allow_none=True)
    actor_role = fields.String(allow_none=True)
    action = fields.String()
    object_type = fields.String()
    object_id = fields.Integer(allow_none=True)
    claim_id = fields.Integer(allow_none=True)
    claim_reference = fields.String(allow_none=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    data = fields.Dict()
    content_hash = fields.String()
    prev_hash = fields.String(allow_none=True)
    hash = fields.String(allow_none=True)


class AuditPageSchema(Schema):
    """A page of audit events, newest first."""

    items = fields.List(fields.Nested(AuditEventSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
