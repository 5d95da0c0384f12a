"""A crop claim's province and crop from its parcels: taken over when every parcel chosen has
the same one registered, asked only when they disagree or one has none (issue 14)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from faunaschade.models import Parcel
from faunaschade.provinces import PROVINCES
from faunaschade.rules.catalogue import CROPS

#: The claim's fields a parcel can tell.
FIELDS = ("province", "crop")


def _name(field: str, code: str) -> str:
    return PROVINCES.get(code, code) if field == "province" else CROPS[code].name_nl


def _names(field: str, codes: set[str], conjunction: str) -> str:
    """'Fryslân en Groningen': the values in the order of their names."""
    names = sorted(_name(field, code) for code in codes)
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def _quoted(parcels: Sequence[Parcel]) -> str:
    names = [f"'{p.name}'" for p in parcels]
    if len(names) == 1:
        return _("perceel %(name)s", name=names[0])
    return _("de percelen %(names)s", names=f"{', '.join(names[:-1])} {_('en')} {names[-1]}")


def derived(parcels: Sequence[Parcel], field: str) -> str | None:
    """The value every parcel has registered for `field`; None when they disagree, when one
    has none, or when there are no parcels."""
    values = {getattr(parcel, field) for parcel in parcels}
    return values.pop() if len(values) == 1 and None not in values else None


def undecided(parcels: Sequence[Parcel], field: str) -> bool:
    """The parcels are chosen but do not tell `field`: the farmer is asked."""
    return bool(parcels) and derived(parcels, field) is None


def settle(
    field: str, given: str | None, parcels: Sequence[Parcel]
) -> tuple[str | None, list[str]]:
    """The claim's `field` (the value given, else the parcels'), and what is wrong with it.

    Given, it may not contradict the parcels: when all that have one registered agree, it must
    be theirs; when they disagree, one of theirs (the farmer chooses between them). Not given,
    the parcels must tell it; without parcels nothing is said (the parcels' own error does).
    """
    registered = [parcel for parcel in parcels if getattr(parcel, field) is not None]
    known = {getattr(parcel, field) for parcel in registered}
    if given is None:
        if not parcels:
            return None, []
        value = derived(parcels, field)
        if value is not None:
            return value, []
        return None, [_question(field, known, [p for p in parcels if p not in registered])]
    if not known or given in known:
        return given, []
    if len(known) == 1:
        told_by = None if len(registered) == len(parcels) else registered
        return given, [_contradiction(field, known.pop(), given, told_by)]
    if field == "crop":  # the rows of another crop are named each (one crop per claim)
        return given, []
    choices = _names(field, known, _("of"))
    return given, [
        _("Kies een van de provincies van de gekozen percelen: %(choices)s.", choices=choices)
    ]


def _question(field: str, known: set[str], unregistered: list[Parcel]) -> str:
    if len(known) > 1 and field == "crop":
        return _(
            "De gekozen percelen hebben verschillende teelten (%(crops)s): één teelt per "
            "aanvraag. Kies de teelt en vink alleen de percelen met die teelt aan.",
            crops=_names(field, known, _("en")),
        )
    if len(known) > 1:
        return _(
            "De gekozen percelen liggen in verschillende provincies (%(provinces)s). Kies de "
            "provincie waarvan de regeling geldt.",
            provinces=_names(field, known, _("en")),
        )
    if field == "crop":
        return _(
            "Kies de teelt: bij %(parcels)s is geen teelt vastgelegd.",
            parcels=_quoted(unregistered),
        )
    return _(
        "Kies de provincie: bij %(parcels)s is geen provincie vastgelegd.",
        parcels=_quoted(unregistered),
    )


def _contradiction(field: str, registered: str, given: str, told_by: list[Parcel] | None) -> str:
    """The parcels (`told_by`: those of them that have one registered) say otherwise."""
    names = {"registered": _name(field, registered), "given": _name(field, given)}
    if field == "crop":
        which = _quoted(told_by) if told_by else _("de gekozen percelen")
        return _("Op %(parcels)s staat %(registered)s, niet %(given)s.", parcels=which, **names)
    if not told_by:
        return _("De gekozen percelen liggen in %(registered)s, niet in %(given)s.", **names)
    if len(told_by) == 1:
        return _(
            "Perceel %(name)s ligt in %(registered)s, niet in %(given)s.",
            name=f"'{told_by[0].name}'",
            **names,
        )
    return _(
        "De percelen %(names)s liggen in %(registered)s, niet in %(given)s.",
        names=", ".join(f"'{p.name}'" for p in told_by),
        **names,
    )
