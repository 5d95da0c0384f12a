"""Who a province's letters come from: sender block, objection address and signatory.

The settings are per province (LETTER_PROVINCES_JSON, README "Configuration"), over the sender
shared by every province (LETTER_SENDER_JSON). Development and tests fall back to the
ILLUSTRATIVE entries below; production refuses to start with them (config.ProductionConfig).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from faunaschade.provinces import PROVINCE_CODES, PROVINCES

#: Sender details when neither LETTER_SENDER_JSON nor the province's entry gives them.
DEFAULT_SENDER: dict[str, str] = {
    "name": "Faunaschade — uitvoering namens de provincies",
    "postal_address": "Postbus 1000",
    "postal_city": "3500 AA Utrecht",
    "email": "faunaschade@example.nl",
    "phone": "030 000 00 00",
    "website": "faunaschade.example.nl",
}

#: The seat of each province, where its Gedeputeerde Staten receive mail.
_SEATS = {
    "GR": "Groningen",
    "FR": "Leeuwarden",
    "DR": "Assen",
    "OV": "Zwolle",
    "FL": "Lelystad",
    "GE": "Arnhem",
    "UT": "Utrecht",
    "NH": "Haarlem",
    "ZH": "Den Haag",
    "ZE": "Middelburg",
    "NB": "'s-Hertogenbosch",
    "LI": "Maastricht",
}

#: ILLUSTRATIVE per-province settings for development and tests only: the Postbus is made up
#: and "N.N." signs. Production refuses them; a deployment sets LETTER_PROVINCES_JSON.
ILLUSTRATIVE_LETTER_PROVINCES: dict[str, dict[str, Any]] = {
    code: {
        "objection_address": {"postal_address": "Postbus 1000", "postal_city": seat},
        "signatory": {"name": "N.N.", "function": "teamleider Faunaschade"},
        "illustrative": True,
    }
    for code, seat in _SEATS.items()
}

# Field → required; every field is a non-empty text.
_SENDER_FIELDS = dict.fromkeys(DEFAULT_SENDER, False)
_ADDRESS_FIELDS = {"name": False, "postal_address": True, "postal_city": True}
_SIGNATORY_FIELDS = {"name": True, "function": True}
_ENTRY_FIELDS = frozenset({"sender", "objection_address", "signatory", "illustrative"})


@dataclass(frozen=True)
class Sender:
    """Who sends the letter and how to reach them."""

    name: str  #: "Faunaschade — uitvoering namens de provincies".
    postal_address: str  #: Postbus or street for the return address.
    postal_city: str  #: Postcode and town of the postal address.
    email: str  #: Contact e-mail address.
    phone: str  #: Contact telephone number.
    website: str  #: Web address without scheme.


@dataclass(frozen=True)
class PostalAddress:
    """Where an objection (bezwaarschrift) is sent."""

    name: str  #: The addressee: "Gedeputeerde Staten van Fryslân".
    postal_address: str  #: Postbus or street.
    postal_city: str  #: Postcode and town.


@dataclass(frozen=True)
class Signatory:
    """Who signs on behalf of Gedeputeerde Staten."""

    name: str  #: "mr. A. de Vries".
    function: str  #: "teamleider Faunaschade".


@dataclass(frozen=True)
class ProvinceLetters:
    """The letter settings of one province."""

    sender: Sender  #: Sender block and contact line.
    objection_address: PostalAddress  #: Where objections go.
    signatory: Signatory  #: Name and function under "namens Gedeputeerde Staten van …".
    illustrative: bool  #: Made-up defaults (development and tests), never for real letters.


def _texts(value: Any, fields: Mapping[str, bool], where: str) -> list[str]:
    """Problems of one object of texts: unknown or missing fields, non-texts."""
    if not isinstance(value, Mapping):
        return [f"{where}: expected an object"]
    problems = [f"{where}.{name}: unknown field" for name in value if name not in fields]
    problems += [
        f"{where}.{name}: missing"
        for name, needed in fields.items()
        if needed and name not in value
    ]
    problems += [
        f"{where}.{name}: expected a non-empty text"
        for name, text in value.items()
        if name in fields and not (isinstance(text, str) and text.strip())
    ]
    return problems


def _entry_problems(code: str, entry: Any, production: bool) -> list[str]:
    if not isinstance(entry, Mapping):
        return [f"{code}: expected an object"]
    problems = [f"{code}.{name}: unknown field" for name in entry if name not in _ENTRY_FIELDS]
    if "sender" in entry:
        problems += _texts(entry["sender"], _SENDER_FIELDS, f"{code}.sender")
    for name, fields in (("objection_address", _ADDRESS_FIELDS), ("signatory", _SIGNATORY_FIELDS)):
        if name in entry:
            problems += _texts(entry[name], fields, f"{code}.{name}")
        elif production:
            problems.append(f"{code}.{name}: missing")
    if production and entry.get("illustrative"):
        problems.append(f"{code}: illustrative settings")
    return problems


def settings_problems(provinces: Any, *, production: bool = False) -> list[str]:
    """What is wrong with LETTER_PROVINCES; production needs all twelve, none illustrative."""
    if not isinstance(provinces, Mapping):
        return ["expected a JSON object of province code → settings"]
    problems = [f"{code}: not a province code" for code in provinces if code not in PROVINCES]
    if production and (absent := [c for c in PROVINCE_CODES if c not in provinces]):
        problems.append("no settings for " + ", ".join(absent))
    for code, entry in provinces.items():
        if code in PROVINCES:
            problems += _entry_problems(code, entry, production)
    return problems


def province_letters(
    province: str, provinces: Mapping[str, Any], shared_sender: Mapping[str, str]
) -> ProvinceLetters:
    """The province's settings: its entry, else the illustrative one, field by field.

    An entry with problems is not used (production refuses to start with one; development
    falls back to the illustrative settings rather than fail a letter).
    """
    fallback = ILLUSTRATIVE_LETTER_PROVINCES[province]
    entry = provinces.get(province) if isinstance(provinces, Mapping) else None
    if entry is None or _entry_problems(province, entry, production=False):
        entry = fallback
    address = entry.get("objection_address", fallback["objection_address"])
    signatory = entry.get("signatory", fallback["signatory"])
    sender = {**DEFAULT_SENDER, **shared_sender, **entry.get("sender", {})}
    illustrative = bool(entry.get("illustrative")) or (
        "objection_address" not in entry or "signatory" not in entry
    )
    return ProvinceLetters(
        sender=Sender(**{name: sender[name] for name in DEFAULT_SENDER}),
        objection_address=PostalAddress(
            name=address.get("name") or f"Gedeputeerde Staten van {PROVINCES[province]}",
            postal_address=address["postal_address"],
            postal_city=address["postal_city"],
        ),
        signatory=Signatory(name=signatory["name"], function=signatory["function"]),
        illustrative=illustrative,
    )
