"""Registration and parcels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from faunaschade import validators
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
            validators.polygon_area_ha(value)

    @validates_schema
    def _area_fits_geometry(self, data: dict[str, Any], **_: Any) -> None:
        geometry, area = data.get("geometry"), data.get("area_ha")
        if not geometry or area is None:
            return
        drawn = validators.polygon_area_ha(geometry)
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
    geometry_area_ha = fields.Method("_geometry_area")
    eligible = fields.Method("_eligible")

    def _geometry_area(self, parcel: Any) -> str | None:
        try:
            return str(validators.polygon_area_ha(parcel.geometry)) if parcel.geometry else None
        except ValidationError:  # stored before today's limits on outlines: no area to show
            return None

    def _eligible(self, parcel: Any) -> bool:
        return parcel.tenure != Tenure.RENT


class ParcelPatchSchema(ParcelSchema):
    """PATCH /api/v1/parcels/{id}: every field optional."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)
