"""Codes as words: the Dutch labels that pages, letters and exports show for stored codes.

One table per kind of code, so that a page, a letter and an export never name the same status
or reason differently. (Still elsewhere, to be moved here: the catalogue's crop and species
names in rules/, the audit-log action names in web/audit_log.py, the short chart labels in
web/statistics.py.)
"""

from __future__ import annotations

from faunaschade.models import PriceSource, Unit

#: Claim status → what the farmer and officer read.
STATUS_LABELS = {
    "draft": "Concept",
    "awaiting_payment": "Wacht op betaling leges",
    "submitted": "Ingediend, in behandeling",
    "incomplete": "Aanvulling nodig",
    "assessment_ordered": "Taxatie opgedragen",
    "assessed": "Getaxeerd",
    "proposed": "Besluit in voorbereiding",
    "decided": "Besluit genomen",
    "objection": "Bezwaar in behandeling",
    "paid": "Uitbetaald",
    "withdrawn": "Ingetrokken",
}
#: Decision outcome → its name in pages and letters.
OUTCOME_LABELS = {
    "granted": "Toegekend",
    "partially_granted": "Gedeeltelijk toegekend",
    "rejected": "Afgewezen",
    "not_processed": "Niet in behandeling genomen",
}
#: Tenure of a parcel.
TENURE_LABELS = {"own": "Eigendom", "lease": "(Erf)pacht", "rent": "Huur (komt niet in aanmerking)"}
#: Reasons an officer may give for a rejection without assessment, besides the engine's own.
OFFICER_REASONS = {
    "late_submission": "De aanvraag is te laat ingediend.",
    "species_not_compensated": "Schade door deze diersoort wordt niet vergoed.",
    "not_processed": "De aanvraag is niet aangevuld binnen de gestelde termijn (Awb 4:5).",
    "harvested_before_assessment": "Het gewas was al geoogst vóór de taxatie.",
    "insufficient_prevention": "Er zijn onvoldoende preventieve maatregelen genomen.",
    "not_wolf": "De schade is niet door een wolf veroorzaakt.",
}
#: Dutch names of the units, as in the report form and the confirmation letter.
UNIT_LABELS = {
    Unit.KG: "kg",
    Unit.KG_DS: "kg droge stof",
    Unit.PIECES: "stuks",
    Unit.ANIMALS: "dieren",
}
#: Dutch names of the price sources.
PRICE_SOURCE_LABELS = {
    PriceSource.KWIN: "KWIN",
    PriceSource.CONTRACT: "contractprijs",
    PriceSource.BIJ12: "BIJ12-prijs",
}

# -- Livestock (wolf, golden jackal): the assessor's animals and the officer's finding --
#: Sex of an animal in the price table.
SEX_LABELS = {"female": "vrouwelijk", "male": "mannelijk"}
#: What happened to an animal.
ANIMAL_OUTCOME_LABELS = {"killed": "dood", "injured": "gewond"}
#: The field visit's and DNA outcome.
FINDING_LABELS = {
    "certain": "wolf (zeker)",
    "probable": "wolf (zeer waarschijnlijk)",
    "dog": "hond",
    "fox": "vos",
    "unknown": "onbekend",
}

#: The crop-damaging species as the claim form offers them: geese, other birds, mammals; in
#: each group the species that cause the most paid damage first (DOMAIN §8.4: grauwe gans,
#: brandgans, kolgans and rotgans; houtduif, mees, smient and knobbelzwaan; wild zwijn, das and
#: edelhert), then the others alphabetically. Every crop species of the catalogue
#: (rules/catalogue.py) is in exactly one group (tests/claims/test_species_choices.py).
SPECIES_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Ganzen", ("grauwe_gans", "brandgans", "kolgans", "rotgans", "canadese_gans", "nijlgans")),
    ("Andere vogels", ("houtduif", "mees", "smient", "knobbelzwaan",
                       "ekster", "fazant", "gaai", "kauw", "kievit", "kleine_zwaan", "kokmeeuw",
                       "kraanvogel", "meerkoet", "merel", "roek", "spreeuw", "wilde_eend",
                       "wilde_zwaan", "wulp", "zilvermeeuw", "zwarte_kraai")),
    ("Zoogdieren", ("wild_zwijn", "das", "edelhert",
                    "aardmuis", "bever", "damhert", "haas", "konijn", "lynx", "otter", "ree",
                    "veldmuis", "vos", "wilde_kat", "woelrat")),
)  # fmt: skip
