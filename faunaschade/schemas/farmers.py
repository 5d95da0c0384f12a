"""Registration and parcels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from faunaschade import validators
from faunaschade.gis.geometry import GeometryError, geojson_area_ha
from faunaschade.i18n import N_
from faunaschade.models.farmers import Tenure
from faunaschade.passwords import policy_problem
from faunaschade.provinces import PROVINCE_CODES
from faunaschade.rules.catalogue import CROPS
from faunaschade.schemas.base import REQUIRED, LoadSchema, choice, positive_decimal, text


class RegisterSchema(LoadSchema):
    """POST /api/v1/register: a farmer signs up (no BSN, ever)."""

    email = fields.Email(
        required=True,
        error_messages={"required": REQUIRED, "invalid": N_("Geef een geldig e-mailadres.")},
    )
    password = text(200)
    name = text(200)
    kvk = text(20)
    iban = text(42)
    address = text(200)
    postcode = text(10)
    city = text(100)
    #: Optional: the officer calls for a visit after a wolf attack.
    phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=30, error=N_("Gebruik hoogstens %(n)s tekens.", n=30)),
        error_messages={"invalid": N_("Verwacht tekst.")},
    )

    # Every field is checked in the same round: the password policy and the e-mail address
    # too, which the account checks again when it is made.
    @validates("email")
    def _email(self, value: str, **_: Any) -> None:
        validators.email_address(value)

    @validates("password")
    def _password(self, value: str, **_: Any) -> None:
        if problem := policy_problem(value):
            raise ValidationError(problem)

    @validates("phone")
    def _phone(self, value: str | None, **_: Any) -> None:
        if value and value.strip():
            validators.phone(value)

    @validates("kvk")
    def _kvk(self, value: str, **_: Any) -> None:
        validators.kvk(value)

    @validates("iban")
    def _iban(self, value: str, **_: Any) -> None:
        validators.iban(value)

    @validates("postcode")
    def _postcode(self, value: str, **_: Any) -> None:
        validators.postcode(value)


class RegistrationReceivedSchema(Schema):
    """The answer to POST /api/v1/register, the same whether the address was new or not."""

    message = fields.String(required=True)


def drawn_area(geometry: Any) -> Decimal:
    """A parcel outline checked by gis (structure, validity, inside the Netherlands); its area
    in hectares computed in RD New."""
    try:
        return geojson_area_ha(geometry)
    except GeometryError as error:
        raise ValidationError(error.message) from None


class ParcelSchema(LoadSchema):
    """POST /api/v1/parcels and PATCH (partial)."""

    name = text(100)
    area_ha = positive_decimal(4, maximum="10000")
    crop = choice(CROPS, N_("teelt"))
    #: Where the parcel lies (null: unknown); a claim takes its province from its parcels.
    province = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(PROVINCE_CODES, error=N_("Onbekende provincie: {input}.")),
        error_messages={"invalid": N_("Verwacht tekst.")},
    )
    tenure = choice([t.value for t in Tenure], N_("gebruiksvorm (own, lease of rent)"))
    geometry = fields.Dict(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": N_("Geef een GeoJSON-object.")},
    )

    @validates("geometry")
    def _geometry(self, value: dict | None, **_: Any) -> None:
        if value is not None:
            drawn_area(value)

    @validates_schema
    def _area_fits_geometry(self, data: dict[str, Any], **_: Any) -> None:
        geometry, area = data.get("geometry"), data.get("area_ha")
        if not geometry or area is None:
            return
        try:
            drawn = drawn_area(geometry)
        except ValidationError:
            return  # named on the geometry field already
        # The registered area may differ from a hand-drawn outline, but not by double or more.
        if not (drawn / 2 <= Decimal(area) <= drawn * 2):
            raise ValidationError(
                N_(
                    "De opgegeven oppervlakte (%(area)s ha) past niet bij de getekende "
                    "(%(drawn)s ha).",
                    area=area,
                    drawn=drawn,
                ),
                "area_ha",
            )


class ParcelOutSchema(Schema):
    """A parcel as shown."""

    id = fields.Integer()
    name = fields.String()
    area_ha = fields.Decimal(as_string=True)
    crop = fields.String()
    province = fields.String(allow_none=True)
    tenure = fields.String()
    geometry = fields.Dict(allow_none=True)
    #: import, drawn or typed; an imported parcel names its file and feature.
    source = fields.Function(lambda parcel: parcel.source.value)
    source_file = fields.String(allow_none=True)
    source_feature = fields.String(allow_none=True)
    geometry_area_ha = fields.Method("_geometry_area")
    eligible = fields.Method("_eligible")

    def _geometry_area(self, parcel: Any) -> str | None:
        try:
            return str(drawn_area(parcel.geometry)) if parcel.geometry else None
        except ValidationError:  # stored before today's limits on outlines: no area to show
            return None

    def _eligible(self, parcel: Any) -> bool:
        return parcel.tenure != Tenure.RENT


class ParcelPatchSchema(ParcelSchema):
    """PATCH /api/v1/parcels/{id}: every field optional."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)


class ImportChoiceSchema(LoadSchema):
    """One parcel picked from an uploaded file: its id there, and crop and tenure where asked."""

    id = text(100)
    #: Needed when the file's gewascode is not one we know; else the file's crop.
    crop = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(list(CROPS), error=N_("Onbekende teelt: {input}.")),
        error_messages={"invalid": N_("Verwacht tekst.")},
    )
    #: own (default), lease or rent.
    tenure = fields.String(
        load_default=Tenure.OWN.value,
        validate=validate.OneOf(
            [t.value for t in Tenure],
            error=N_("Onbekende gebruiksvorm (own, lease of rent): {input}."),
        ),
        error_messages={"invalid": N_("Verwacht tekst.")},
    )


class ParcelImportConfirmSchema(LoadSchema):
    """POST /api/v1/parcels/import/confirm: the token of the file read, the parcels picked."""

    token = text(64)
    parcels = fields.List(
        fields.Nested(ImportChoiceSchema),
        required=True,
        validate=validate.Length(min=1, max=500, error=N_("Kies 1 tot %(n)s percelen.", n=500)),
        error_messages={"required": REQUIRED, "invalid": N_("Verwacht een lijst.")},
    )


class ImportedParcelSchema(Schema):
    """A parcel found in the uploaded file, as the farmer chooses from it."""

    id = fields.String(metadata={"description": "The feature's id in the file (gml:id, fid)."})
    name = fields.String()
    crop = fields.String(allow_none=True, metadata={"description": "Our crop code, if known."})
    crop_code = fields.String(allow_none=True, metadata={"description": "RVO's gewascode."})
    crop_text = fields.String(allow_none=True, metadata={"description": "RVO's gewas."})
    area_ha = fields.String(allow_none=True, metadata={"description": "Computed in RD New."})
    province = fields.String(allow_none=True, metadata={"description": "From the geometry."})
    problems = fields.List(fields.String())
    can_add = fields.Function(lambda row: not row["problems"])


class ParcelImportSchema(Schema):
    """What an uploaded parcel file holds; confirm with the token and the ids picked."""

    token = fields.String()
    file_name = fields.String()
    expires_at = fields.DateTime()
    parcels = fields.List(fields.Nested(ImportedParcelSchema))
