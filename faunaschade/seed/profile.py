"""National proportions for demo claims, after the BIJ12 figures in DOMAIN.md §8.

Weights are relative claim counts, not money: the money follows from the crop's yields and
prices below, the rules engine and each province's own-risk rules. What the figures say:
Fryslân and Noord-Holland pay more than half (2023: € 30,5 M of € 55,2 M, §8.3), grassland
takes 65–95 % of the money and geese more than half (§8.5, §8.6), wolf about 1 % (§8.6), the
number of claims grows by a quarter a year (§8.2: 7,700 → 8,500 → 10,000+).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Claims per province (2024: NH > € 27 M, FR ≈ € 17 M, ZH ≈ € 11 M, FL lowest, §8.3).
PROVINCE_WEIGHTS: dict[str, float] = {
    "NH": 27, "FR": 22, "ZH": 13, "GE": 8, "UT": 6, "GR": 6,
    "OV": 5, "ZE": 4, "NB": 3, "DR": 2.5, "LI": 2, "FL": 1.5,
}  # fmt: skip

#: Growth per damage year (§8.2: about +25 % a year).
YEAR_GROWTH: dict[int, float] = {2024: 1.0, 2025: 1.25, 2026: 1.5, 2027: 1.8}

#: Share of livestock claims (wolf, goudjakhals): small amounts, about 1 % of the money (§8.6).
LIVESTOCK_SHARE = 0.04


@dataclass(frozen=True)
class CropProfile:
    """How a crop is damaged and valued."""

    weight: float  #: Relative number of claims.
    species: dict[str, float]  #: Damaging species with their relative frequency.
    unit: str  #: Unit of the lost quantity.
    price: tuple[float, float]  #: Unit price range in euros.
    loss_per_ha: tuple[float, float]  #: Median range of units lost per damaged hectare.
    parcel_ha: tuple[float, float]  #: Parcel size range.
    season: str  #: Key of SEASONS.
    provinces: dict[str, float] | None = None  #: Province multipliers (default 1).


GEESE = {"grauwe_gans": 42, "brandgans": 26, "kolgans": 16, "rotgans": 4, "smient": 5,
         "knobbelzwaan": 2, "wilde_zwaan": 0.5, "canadese_gans": 1.5, "nijlgans": 1}  # fmt: skip
ARABLE_WEST = {"NH": 2.5, "FL": 3, "ZH": 2, "ZE": 2, "GR": 1.5}
FRUIT = {"GE": 4, "UT": 3, "ZE": 3, "LI": 2, "NB": 1.5, "FR": 0.1, "GR": 0.2, "DR": 0.2}

#: Crops with BIJ12-like prices (grass € 0,17–0,30 per kg DS) and their typical damage.
CROPS: dict[str, CropProfile] = {
    "blijvend_grasland": CropProfile(
        62, GEESE, "kg_ds", (0.17, 0.30), (500, 3500), (3, 30), "geese"
    ),
    "tijdelijk_grasland": CropProfile(
        6,
        {"grauwe_gans": 5, "brandgans": 3, "kolgans": 2},
        "kg_ds",
        (0.17, 0.28),
        (400, 2400),
        (2, 12),
        "geese",
    ),
    "wintertarwe": CropProfile(
        4,
        {"grauwe_gans": 4, "kolgans": 3, "brandgans": 2, "haas": 1, "wild_zwijn": 0.5},
        "kg",
        (0.18, 0.26),
        (500, 2800),
        (3, 15),
        "geese",
        ARABLE_WEST,
    ),
    "bloemkool": CropProfile(
        4,
        {"houtduif": 8, "haas": 1, "konijn": 1},
        "pieces",
        (0.35, 0.65),
        (2500, 12000),
        (1, 6),
        "winter_veg",
        ARABLE_WEST,
    ),
    "spruitkool": CropProfile(
        1.5,
        {"houtduif": 6, "konijn": 1},
        "kg",
        (0.55, 0.90),
        (800, 4000),
        (1, 6),
        "winter_veg",
        ARABLE_WEST,
    ),
    "broccoli": CropProfile(
        1.5,
        {"houtduif": 5, "haas": 1},
        "kg",
        (0.90, 1.40),
        (400, 2500),
        (1, 5),
        "summer",
        ARABLE_WEST,
    ),
    "sla": CropProfile(
        1,
        {"houtduif": 3, "haas": 1, "konijn": 1},
        "pieces",
        (0.20, 0.40),
        (4000, 15000),
        (1, 4),
        "summer",
        ARABLE_WEST,
    ),
    "peer": CropProfile(
        3,
        {"mees": 6, "spreeuw": 2, "merel": 1},
        "kg",
        (0.60, 1.05),
        (900, 6000),
        (1, 5),
        "fruit",
        FRUIT,
    ),
    "appel": CropProfile(
        1.5,
        {"mees": 3, "spreeuw": 2, "merel": 1},
        "kg",
        (0.40, 0.80),
        (900, 5000),
        (1, 5),
        "fruit",
        FRUIT,
    ),
    "kers": CropProfile(
        0.5, {"spreeuw": 3, "merel": 2}, "kg", (2.50, 4.50), (150, 900), (0.5, 3), "fruit", FRUIT
    ),
    "snijmais": CropProfile(
        3,
        {"wild_zwijn": 4, "das": 2, "zwarte_kraai": 2, "roek": 1, "kauw": 1},
        "kg_ds",
        (0.12, 0.18),
        (1500, 7000),
        (2, 10),
        "maize",
        {"GE": 3, "LI": 2, "OV": 2, "NB": 2},
    ),
    "aardappel": CropProfile(
        1.5,
        {"wild_zwijn": 3, "das": 1, "ree": 1},
        "kg",
        (0.12, 0.25),
        (3000, 12000),
        (2, 10),
        "summer",
        {"DR": 3, "GR": 2, "FL": 2, "GE": 2, "LI": 2},
    ),
    "suikerbiet": CropProfile(
        1,
        {"wild_zwijn": 3, "edelhert": 1, "ree": 1},
        "kg",
        (0.03, 0.05),
        (8000, 30000),
        (2, 10),
        "summer",
        {"GE": 3, "LI": 2, "FL": 2, "ZE": 2},
    ),
    "tulp": CropProfile(
        0.7,
        {"grauwe_gans": 2, "knobbelzwaan": 1, "haas": 1},
        "pieces",
        (0.05, 0.09),
        (20000, 90000),
        (1, 5),
        "geese",
        {"NH": 4, "FL": 3, "ZH": 2},
    ),
}

#: Province multipliers for species that live in only part of the country.
SPECIES_PROVINCES: dict[str, dict[str, float]] = {
    "wild_zwijn": {"GE": 8, "LI": 6, "NB": 2},
    "edelhert": {"GE": 8, "FL": 4},
    "rotgans": {"FR": 4, "NH": 3, "ZE": 3, "GR": 2},
    "brandgans": {"FR": 2.5, "NH": 1.5, "GR": 1.5, "ZE": 1.5},
    "houtduif": {"NH": 3, "ZH": 2, "FR": 1.5},
    "das": {"DR": 3, "NB": 3, "LI": 2, "GE": 2},
}

#: Relative claims per calendar month (January first): geese graze in winter and spring.
SEASONS: dict[str, tuple[float, ...]] = {
    "geese": (11, 12, 15, 14, 7, 3, 2, 2, 2, 4, 9, 11),
    "winter_veg": (12, 12, 10, 6, 3, 2, 2, 3, 5, 8, 10, 12),
    "summer": (1, 1, 2, 4, 8, 12, 12, 10, 8, 4, 2, 1),
    "fruit": (0.5, 0.5, 1, 2, 3, 6, 12, 14, 10, 3, 1, 0.5),
    "maize": (1, 1, 1, 4, 12, 8, 4, 9, 12, 6, 1, 1),
    "livestock": (3, 3, 4, 5, 6, 6, 8, 9, 9, 8, 6, 4),
}

#: Area types of a damaged parcel; geese foraging areas only where provinces have them.
AREA_TYPES: dict[str, float] = {"regular": 82, "foerageergebied": 10, "rustgebied": 4,
                                "natura2000": 3, "buffer": 1}  # fmt: skip
AREA_PROVINCES: dict[str, tuple[str, ...]] = {
    "foerageergebied": ("FR", "NH", "GR", "ZH"),
    "buffer": ("NH",),
    "rustgebied": ("UT", "FR", "GR", "DR", "FL", "ZH"),
}

#: Livestock: animal kinds with the value range of one animal.
ANIMALS: dict[str, tuple[float, tuple[float, float]]] = {
    "schaap": (80, (120, 420)), "geit": (8, (100, 350)), "rund": (5, (600, 2200)),
    "pony": (3, (400, 1500)), "alpaca": (2, (800, 2500)), "hert": (2, (300, 900)),
}  # fmt: skip
WOLF_FINDINGS: dict[str, float] = {"certain": 45, "probable": 30, "dog": 15, "unknown": 10}

#: Dutch names for the farms.
SURNAMES = (
    "de Vries", "van der Meer", "Bakker", "Visser", "Smit", "de Boer", "Mulder", "de Jong",
    "Hoekstra", "Dijkstra", "Postma", "Jansen", "van Dijk", "Bosma", "Kuipers", "Wiersma",
    "Brouwer", "Veenstra", "de Groot", "Koster", "Hofstra", "van den Berg", "Schouten", "Kok",
)  # fmt: skip
FARM_KINDS = ("Melkveebedrijf", "Maatschap", "Akkerbouwbedrijf", "Veehouderij", "Agrarisch bedrijf",
              "Fruitteeltbedrijf", "Loonbedrijf en landbouw")  # fmt: skip
#: (first two postcode digits range, towns) per province.
PLACES: dict[str, tuple[tuple[int, int], tuple[str, ...]]] = {
    "GR": ((93, 99), ("Winsum", "Uithuizen", "Appingedam", "Leens")),
    "FR": ((84, 92), ("Joure", "Dokkum", "Sneek", "Workum", "Franeker")),
    "DR": ((77, 79), ("Assen", "Borger", "Beilen")),
    "OV": ((74, 83), ("Raalte", "Ommen", "Hardenberg")),
    "FL": ((82, 83), ("Dronten", "Emmeloord", "Biddinghuizen")),
    "GE": ((65, 73), ("Barneveld", "Tiel", "Nijkerk", "Winterswijk")),
    "UT": ((34, 39), ("Woerden", "Montfoort", "Eemnes")),
    "NH": ((14, 19), ("Schagen", "Wieringerwerf", "Purmerend", "Wormer", "Texel")),
    "ZH": ((22, 33), ("Bodegraven", "Goudriaan", "Zevenhuizen", "Nieuwkoop")),
    "ZE": ((43, 46), ("Goes", "Zierikzee", "Kapelle")),
    "NB": ((47, 59), ("Boxtel", "Oirschot", "Dongen")),
    "LI": ((59, 64), ("Venray", "Weert", "Gulpen")),
}
