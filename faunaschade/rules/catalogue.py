"""Catalogue of provinces, area types, species, crops and livestock animal kinds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from faunaschade.i18n import N_
from faunaschade.provinces import PROVINCES

__all__ = [
    "ANIMAL_KINDS",
    "AREA_TYPES",
    "CROPS",
    "PROVINCES",
    "SPECIES",
    "AnimalKind",
    "Crop",
    "Species",
    "animal_kind",
    "crop",
    "species",
]

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Species:
    """A damage-causing animal species."""

    code: str  #: Lower-case Dutch name with underscores, as in claims and rule sets.
    name_nl: str  #: Dutch display name.
    name_en: str  #: English display name.
    kind: str  #: ``crop``, or ``livestock`` for the wolf procedure of DOMAIN §7.


@dataclass(frozen=True, slots=True)
class Crop:
    """A crop that can be damaged."""

    code: str  #: Lower-case Dutch name with underscores.
    name_nl: str  #: Dutch display name.
    name_en: str  #: English display name.
    group: str  #: Crop group for statistics (grasland, akkerbouw, groente, fruit, bollen…).


@dataclass(frozen=True, slots=True)
class AnimalKind:
    """A kind of farm animal that wolf or golden-jackal damage can hit."""

    code: str  #: Lower-case Dutch name.
    name_nl: str  #: Dutch display name.
    name_en: str  #: English display name.


#: Area types of a damaged parcel (SPEC §4.4, cases/README.md), with Dutch names.
AREA_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "regular": N_("regulier gebied"),
        "rustgebied": N_("ganzenrustgebied"),
        "foerageergebied": N_("ganzenfoerageergebied"),
        "buffer": N_("bufferzone"),
        "natura2000": N_("Natura 2000-gebied"),
    }
)

# Codes from DOMAIN.md §4.3-§4.5, §5-§8 and cases/examples.json; wolf and golden jackal run the
# livestock procedure (DOMAIN §7), every other species the crop procedure.
_SPECIES = """
grauwe_gans|grauwe gans|greylag goose|crop
kolgans|kolgans|greater white-fronted goose|crop
brandgans|brandgans|barnacle goose|crop
rotgans|rotgans|brent goose|crop
canadese_gans|Canadese gans|Canada goose|crop
nijlgans|nijlgans|Egyptian goose|crop
smient|smient|Eurasian wigeon|crop
knobbelzwaan|knobbelzwaan|mute swan|crop
wilde_zwaan|wilde zwaan|whooper swan|crop
kleine_zwaan|kleine zwaan|Bewick's swan|crop
wilde_eend|wilde eend|mallard|crop
meerkoet|meerkoet|Eurasian coot|crop
kievit|kievit|northern lapwing|crop
wulp|wulp|Eurasian curlew|crop
kraanvogel|kraanvogel|common crane|crop
fazant|fazant|common pheasant|crop
houtduif|houtduif|common wood pigeon|crop
kauw|kauw|western jackdaw|crop
zwarte_kraai|zwarte kraai|carrion crow|crop
roek|roek|rook|crop
ekster|ekster|Eurasian magpie|crop
gaai|gaai|Eurasian jay|crop
spreeuw|spreeuw|common starling|crop
merel|merel|common blackbird|crop
mees|mees|tit|crop
kokmeeuw|kokmeeuw|black-headed gull|crop
zilvermeeuw|zilvermeeuw|European herring gull|crop
wild_zwijn|wild zwijn|wild boar|crop
edelhert|edelhert|red deer|crop
damhert|damhert|fallow deer|crop
ree|ree|roe deer|crop
das|das|European badger|crop
bever|bever|Eurasian beaver|crop
otter|otter|Eurasian otter|crop
wilde_kat|wilde kat|European wildcat|crop
lynx|lynx|Eurasian lynx|crop
vos|vos|red fox|crop
haas|haas|European hare|crop
konijn|konijn|European rabbit|crop
aardmuis|aardmuis|field vole|crop
veldmuis|veldmuis|common vole|crop
woelrat|woelrat|water vole|crop
wolf|wolf|grey wolf|livestock
goudjakhals|goudjakhals|golden jackal|livestock
"""

_CROPS = """
blijvend_grasland|blijvend grasland|permanent grassland|grasland
tijdelijk_grasland|tijdelijk grasland|temporary grassland|grasland
graszaad|graszaad|grass seed|grasland
snijmais|snijmaïs|silage maize|akkerbouw
korrelmais|korrelmaïs|grain maize|akkerbouw
wintertarwe|wintertarwe|winter wheat|akkerbouw
zomertarwe|zomertarwe|spring wheat|akkerbouw
wintergerst|wintergerst|winter barley|akkerbouw
zomergerst|zomergerst|spring barley|akkerbouw
rogge|rogge|rye|akkerbouw
haver|haver|oats|akkerbouw
aardappel|aardappel|potato|akkerbouw
pootaardappel|pootaardappel|seed potato|akkerbouw
suikerbiet|suikerbiet|sugar beet|akkerbouw
voederbiet|voederbiet|fodder beet|akkerbouw
ui|ui|onion|akkerbouw
koolzaad|koolzaad|rapeseed|akkerbouw
erwt|erwt|pea|groente
boon|boon|bean|groente
wortel|wortel|carrot|groente
spruitkool|spruitkool|Brussels sprouts|groente
bloemkool|bloemkool|cauliflower|groente
broccoli|broccoli|broccoli|groente
sla|sla|lettuce|groente
spinazie|spinazie|spinach|groente
appel|appel|apple|fruit
peer|peer|pear|fruit
kers|kers|cherry|fruit
pruim|pruim|plum|fruit
aardbei|aardbei|strawberry|fruit
blauwe_bes|blauwe bes|blueberry|fruit
druif|druif|grape|fruit
lelie|lelie|lily|bollen
tulp|tulp|tulip|bollen
narcis|narcis|daffodil|bollen
boomkwekerij|boomkwekerijgewassen|nursery stock|boomkwekerij
riet|riet|reed|overig
"""

# DOMAIN §7: business-kept farm animals, hobby-kept sheep, goats, horses, ponies, cattle and
# pigs, and business-kept livestock guarding and herding dogs.
_ANIMAL_KINDS = """
schaap|schaap|sheep
geit|geit|goat
rund|rund|cattle
paard|paard|horse
pony|pony|pony
ezel|ezel|donkey
varken|varken|pig
alpaca|alpaca|alpaca
lama|lama|llama
hert|gehouden hert|farmed deer
pluimvee|pluimvee|poultry
kuddebeschermingshond|kuddebeschermingshond|livestock guarding dog
herdershond|herdershond|herding dog
"""


def _rows(table: str) -> Iterable[list[str]]:
    """Split a ``|``-separated table into its rows."""
    return (line.split("|") for line in table.strip().splitlines())


#: Species by code.
SPECIES: Mapping[str, Species] = MappingProxyType(
    {row[0]: Species(*row) for row in _rows(_SPECIES)}
)
#: Crops by code.
CROPS: Mapping[str, Crop] = MappingProxyType({row[0]: Crop(*row) for row in _rows(_CROPS)})
#: Livestock animal kinds by code.
ANIMAL_KINDS: Mapping[str, AnimalKind] = MappingProxyType(
    {row[0]: AnimalKind(*row) for row in _rows(_ANIMAL_KINDS)}
)


def _lookup(table: Mapping[str, _T], code: str, what: str) -> _T:
    """The entry of ``table`` with this code; ``KeyError`` naming it when unknown."""
    try:
        return table[code]
    except KeyError:
        raise KeyError(f"unknown {what} {code!r}") from None


def species(code: str) -> Species:
    """The species with this code; ``KeyError`` when unknown."""
    return _lookup(SPECIES, code, "species")


def crop(code: str) -> Crop:
    """The crop with this code; ``KeyError`` when unknown."""
    return _lookup(CROPS, code, "crop")


def animal_kind(code: str) -> AnimalKind:
    """The livestock animal kind with this code; ``KeyError`` when unknown."""
    return _lookup(ANIMAL_KINDS, code, "animal kind")
