"""The twelve provinces, by their two-letter codes."""

PROVINCES: dict[str, str] = {
    "GR": "Groningen",
    "FR": "Fryslân",
    "DR": "Drenthe",
    "OV": "Overijssel",
    "FL": "Flevoland",
    "GE": "Gelderland",
    "UT": "Utrecht",
    "NH": "Noord-Holland",
    "ZH": "Zuid-Holland",
    "ZE": "Zeeland",
    "NB": "Noord-Brabant",
    "LI": "Limburg",
}

PROVINCE_CODES: tuple[str, ...] = tuple(PROVINCES)
