"""Domain validators with Dutch messages: KvK, IBAN, postcode, phone, e-mail (parcel outlines:
faunaschade.gis.geometry)."""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from marshmallow import ValidationError
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import postcode as stdnum_postcode

from faunaschade.i18n import N_

_KVK = re.compile(r"\d{8}")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
#: Largest outline as typed into the web form, in bytes.
MAX_GEOMETRY_BYTES = 400_000


def kvk(value: str) -> str:
    """Eight digits, leading zeros kept (a KvK number is a string, never an int)."""
    compact = re.sub(r"[\s.]", "", value or "")
    if not _KVK.fullmatch(compact):
        raise ValidationError(_("Een KvK-nummer bestaat uit precies 8 cijfers, bijv. 01234567."))
    return compact


def iban(value: str) -> str:
    """A valid IBAN by checksum, returned compact and upper-case."""
    if not _IBAN_SHAPE.fullmatch(stdnum_iban.compact(value or "")):
        raise ValidationError(_("Dit is geen geldig IBAN, bijv. NL91 ABNA 0417 1643 00."))
    try:
        return stdnum_iban.validate(value or "")
    except InvalidChecksum:
        raise ValidationError(
            _("Dit IBAN klopt niet: het controlegetal past niet bij het rekeningnummer.")
        ) from None
    except StdnumError:
        raise ValidationError(_("Dit is geen geldig IBAN, bijv. NL91 ABNA 0417 1643 00.")) from None


def postcode(value: str) -> str:
    """A Dutch postcode, returned as '1234 AB'."""
    try:
        return stdnum_postcode.validate(value or "")
    except StdnumError:
        raise ValidationError(
            _("Een postcode bestaat uit 4 cijfers en 2 letters, bijv. 1234 AB.")
        ) from None


#: Separators people type in a phone number: "06-12 34 56 78", "(0512) 345678", "+31 6.1234.5678".
_PHONE_SEPARATORS = re.compile(r"[\s\-./()]")
PHONE_EXAMPLE = N_(
    "Geef een Nederlands telefoonnummer: 10 cijfers, bijv. 06 12345678 of 0512 345678."
)


def phone(value: str) -> str:
    """A Dutch phone number (06…, 0512…, +31…, 0031…, "+31 (0)6…"), returned as +31 and the
    9 digits after the trunk 0 ("+31612345678"): one spelling to store and to dial."""
    compact = _PHONE_SEPARATORS.sub("", value or "")
    for prefix in ("+31", "0031"):
        if compact.startswith(prefix):
            national = compact[len(prefix) :]
            national = national[1:] if national.startswith("0") else national  # "+31 (0)6"
            break
    else:
        if not compact.startswith("0"):
            raise ValidationError(_(PHONE_EXAMPLE))
        national = compact[1:]
    if not re.fullmatch(r"[1-9][0-9]{8}", national):
        raise ValidationError(_(PHONE_EXAMPLE))
    return "+31" + national


def email_address(value: str) -> None:
    """An address that the accounts accept (email-validator's rules, not only marshmallow's)."""
    try:
        validate_email(normalise_email(value), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(_("Geef een geldig e-mailadres.")) from None


def normalise_email(email: str | None) -> str:
    """The one spelling of an address that is stored and looked up (NFKC, case-folded)."""
    # NFKC maps look-alikes such as full-width "ｆａｒｍｅｒ" onto "farmer"; casefold is the
    # Unicode-wide lower().
    return unicodedata.normalize("NFKC", email or "").strip().casefold()
