"""Species groups and crop groups: coarser keys of the statistics, for the open data.

Both are partitions, so that the figures per group add up to the totals ("optelbare
gegevens"): every claim (and melding) falls in exactly one species group and one crop group.

Species groups follow the claim form's groups (vocabulary.SPECIES_GROUPS: geese, other birds,
mammals), with the livestock species of DOMAIN §7 (wolf, golden jackal) as a group of their
own, as the statistics' species chart colours them (web/charts.py). A claim naming species of
two or more groups is counted once, under `meerdere` ("several groups"), not in each group as
the per-species statistics do.

Crop groups are the catalogue's own (`Crop.group` in rules/catalogue.py: grasland, akkerbouw,
groente, fruit, bollen, boomkwekerij, overig); a claim without a crop is livestock (`vee`).
"""

from __future__ import annotations

from types import MappingProxyType

from faunaschade.i18n import N_
from faunaschade.rules.catalogue import CROPS, SPECIES
from faunaschade.vocabulary import SPECIES_GROUPS

#: The species group of a claim naming species of more than one group.
SEVERAL = "meerdere"
#: A claim without any species (not expected; kept so that the totals still add up).
UNKNOWN = "onbekend"
#: The crop group of a claim without a crop: livestock (wolf, golden jackal).
LIVESTOCK = "vee"

_FORM_GROUP_CODES = {
    "Ganzen": "ganzen",
    "Andere vogels": "andere_vogels",
    "Zoogdieren": "zoogdieren",
}

#: Species group codes with their Dutch names (message ids), in display order.
SPECIES_GROUP_LABELS = MappingProxyType(
    {
        "ganzen": N_("Ganzen"),
        "andere_vogels": N_("Andere vogels"),
        "zoogdieren": N_("Zoogdieren"),
        "wolf_goudjakhals": N_("Wolf en goudjakhals"),
        SEVERAL: N_("Soorten uit meerdere groepen"),
        UNKNOWN: N_("Onbekend"),
    }
)
#: Crop group codes with their Dutch names (message ids), in display order.
CROP_GROUP_LABELS = MappingProxyType(
    {
        "grasland": N_("Grasland"),
        "akkerbouw": N_("Akkerbouw"),
        "groente": N_("Groente"),
        "fruit": N_("Fruit"),
        "bollen": N_("Bloembollen"),
        "boomkwekerij": N_("Boomkwekerij"),
        "overig": N_("Overige teelten"),
        LIVESTOCK: N_("Vee (wolf, goudjakhals)"),
    }
)


def _species_groups() -> dict[str, str]:
    groups = {code: _FORM_GROUP_CODES[name] for name, codes in SPECIES_GROUPS for code in codes}
    groups.update(
        {code: "wolf_goudjakhals" for code, s in SPECIES.items() if s.kind == "livestock"}
    )
    return groups


#: Species code → species group code (every species of the catalogue).
SPECIES_GROUP = MappingProxyType(_species_groups())
#: Crop code → crop group code (every crop of the catalogue).
CROP_GROUP = MappingProxyType({code: crop.group for code, crop in CROPS.items()})
