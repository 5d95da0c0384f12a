"""Codes as words: the Dutch labels that pages, letters and exports show for stored codes.

One table per kind of code, so that a page, a letter and an export never name the same status
or reason differently. The labels are Dutch message ids marked with `N_`: letters and exports
print them as they are, pages show them in the reader's language (web/vocab.py). (Still
elsewhere, to be moved here: the catalogue's crop and species names in rules/, which hold
both languages, the audit-log action names in web/audit.py, the short chart labels in
web/statistics.py.)
"""

from __future__ import annotations

from faunaschade.i18n import N_
from faunaschade.models import PriceSource, Unit

#: Claim status → what the farmer and officer read.
STATUS_LABELS = {
    "draft": N_("Concept"),
    "awaiting_payment": N_("Wacht op betaling leges"),
    "submitted": N_("Ingediend, in behandeling"),
    "incomplete": N_("Aanvulling nodig"),
    "assessment_ordered": N_("Taxatie opgedragen"),
    "assessed": N_("Getaxeerd"),
    "proposed": N_("Besluit in voorbereiding"),
    "decided": N_("Besluit genomen"),
    "objection": N_("Bezwaar in behandeling"),
    "paid": N_("Uitbetaald"),
    "withdrawn": N_("Ingetrokken"),
}
#: Decision outcome → its name in pages and letters.
OUTCOME_LABELS = {
    "granted": N_("Toegekend"),
    "partially_granted": N_("Gedeeltelijk toegekend"),
    "rejected": N_("Afgewezen"),
    "not_processed": N_("Niet in behandeling genomen"),
}
#: What a decision on objection says of the objection (beslissing op bezwaar).
OBJECTION_OUTCOME_LABELS = {
    "gegrond": N_("Gegrond"),
    "deels_gegrond": N_("Deels gegrond"),
    "ongegrond": N_("Ongegrond"),
    "niet_ontvankelijk": N_("Niet-ontvankelijk"),
}
#: A user's role, as the audit log and the start page name it.
ROLE_LABELS = {
    "farmer": N_("aanvrager"),
    "assessor": N_("taxateur"),
    "officer": N_("behandelaar"),
    "auditor": N_("controleur"),
    "admin": N_("beheerder"),
}
#: Tenure of a parcel.
TENURE_LABELS = {
    "own": N_("Eigendom"),
    "lease": N_("(Erf)pacht"),
    "rent": N_("Huur (komt niet in aanmerking)"),
}
#: Reasons an officer may give for a rejection without assessment, besides the engine's own.
OFFICER_REASONS = {
    "late_submission": N_("De aanvraag is te laat ingediend."),
    "species_not_compensated": N_("Schade door deze diersoort wordt niet vergoed."),
    "not_processed": N_("De aanvraag is niet aangevuld binnen de gestelde termijn (Awb 4:5)."),
    "harvested_before_assessment": N_("Het gewas was al geoogst vóór de taxatie."),
    "insufficient_prevention": N_("Er zijn onvoldoende preventieve maatregelen genomen."),
    "not_wolf": N_("De schade is niet door een wolf veroorzaakt."),
}
#: Dutch names of the units, as in the report form and the confirmation letter.
UNIT_LABELS = {
    Unit.KG: N_("kg"),
    Unit.KG_DS: N_("kg droge stof"),
    Unit.PIECES: N_("stuks"),
    Unit.ANIMALS: N_("dieren"),
    Unit.HA: N_("ha"),
}
#: Dutch names of the price sources.
PRICE_SOURCE_LABELS = {
    PriceSource.KWIN: N_("KWIN"),
    PriceSource.CONTRACT: N_("contractprijs"),
    PriceSource.BIJ12: N_("BIJ12-prijs"),
}

# -- Livestock (wolf, golden jackal): the assessor's animals and the officer's finding --
#: Sex of an animal in the price table.
SEX_LABELS = {"female": N_("vrouwelijk"), "male": N_("mannelijk")}
#: What happened to an animal.
ANIMAL_OUTCOME_LABELS = {"killed": N_("dood"), "injured": N_("gewond")}
#: The field visit's and DNA outcome.
FINDING_LABELS = {
    "certain": N_("wolf (zeker)"),
    "probable": N_("wolf (zeer waarschijnlijk)"),
    "dog": N_("hond"),
    "fox": N_("vos"),
    "unknown": N_("onbekend"),
}

#: The crop-damaging species as the claim form offers them: geese, other birds, mammals; in
#: each group the species that cause the most paid damage first (DOMAIN §8.4: grauwe gans,
#: brandgans, kolgans and rotgans; houtduif, mees, smient and knobbelzwaan; wild zwijn, das and
#: edelhert), then the others alphabetically. Every crop species of the catalogue
#: (rules/catalogue.py) is in exactly one group (tests/claims/test_species_choices.py).
SPECIES_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Ganzen"), ("grauwe_gans", "brandgans", "kolgans", "rotgans", "canadese_gans", "nijlgans")),
    (N_("Andere vogels"), ("houtduif", "mees", "smient", "knobbelzwaan",
                           "ekster", "fazant", "gaai", "kauw", "kievit", "kleine_zwaan", "kokmeeuw",
                           "kraanvogel", "meerkoet", "merel", "roek", "spreeuw", "wilde_eend",
                           "wilde_zwaan", "wulp", "zilvermeeuw", "zwarte_kraai")),
    (N_("Zoogdieren"), ("wild_zwijn", "das", "edelhert",
                        "aardmuis", "bever", "damhert", "haas", "konijn", "lynx", "otter", "ree",
                        "veldmuis", "vos", "wilde_kat", "woelrat")),
)  # fmt: skip
