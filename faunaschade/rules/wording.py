"""Dutch wording of the calculation steps, as printed in the decision letter.

Each line that carries an amount is split into a fixed part, worked out once per rule and
component (``*_prefix``, ``*_suffix``, cached; the compiled rule set keeps them), and the amount
formatted per case; the whole-line functions join the two, so there is one wording.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache

from faunaschade.rules.amounts import dutch_date, dutch_moment, eur, pct
from faunaschade.rules.catalogue import AREA_TYPES, CROPS, SPECIES
from faunaschade.rules.model import Exclusion, OwnRiskRule

REASONS = {
    "late_submission": "te laat ingediend",
    "species_not_compensated": "diersoort wordt niet vergoed",
    "harvested_before_assessment": "gewas geoogst vóór de taxatie",
    "insufficient_prevention": "onvoldoende preventieve middelen",
    "not_wolf": "schade niet veroorzaakt door een wolf of goudjakhals",
}
COMPENSATION = "Tegemoetkoming (getaxeerde schade − eigen risico + toeslag − korting)"
MEASURES = {"acoustic": "akoestisch middel", "visual": "visueel middel"}
FINDINGS = {
    "certain": "zeker",
    "probable": "zeer waarschijnlijk",
    "dog": "hond",
    "fox": "vos",
    "unknown": "onbekend",
}
ITEMS = {
    "animal_value": "waarde gedode dieren",
    "vet_costs": "dierenartskosten",
    "abortion": "verlies door verwerpen",
    "carcass_removal": "afvoer kadavers",
}


def on_time(late: bool) -> str:
    """``tijdig`` or ``te laat``."""
    return "te laat" if late else "tijdig"


def crop_deadline_suffix(discovered: date, deadline: date, days: int) -> str:
    """What the deadline line says after the submission day: the same for every claim of a day."""
    return (
        f"; uiterste datum {dutch_date(deadline)} "
        f"({days} werkdagen na ontdekking op {dutch_date(discovered)}): "
    )


def crop_deadline(discovered: date, submitted: date, deadline: date, days: int, late: bool) -> str:
    """The submission deadline of a crop claim."""
    suffix = crop_deadline_suffix(discovered, deadline, days)
    return f"Ingediend op {dutch_date(submitted)}{suffix}{on_time(late)}"


def livestock_deadline(reported: datetime, deadline: datetime, hours: int, late: bool) -> str:
    """The report deadline of wolf damage, in Dutch time whatever offset the case gave."""
    return (
        f"Gemeld op {dutch_moment(reported)}; uiterlijk {dutch_moment(deadline)} "
        f"({hours} uur na ontdekking): {on_time(late)}"
    )


@cache  # species × area types: a few hundred labels at most
def component(species: str, area_type: str) -> str:
    """``Grauwe gans in ganzenrustgebied``."""
    name = SPECIES[species].name_nl
    return f"{name[:1].upper()}{name[1:]} in {AREA_TYPES[area_type]}"


def hectares(area_ha: Decimal) -> str:
    """Hectares with a decimal comma and at least two decimals: ``1,50 ha``."""
    text = str(area_ha)  # plain digits for every validated area: cheaper than format and as_tuple
    if "E" in text:  # exponent notation (an area given as 1E+1): let quantize write it out
        if area_ha.as_tuple().exponent > -2:  # type: ignore[operator]
            area_ha = area_ha.quantize(Decimal("0.01"))
        text = format(area_ha, "f")
    whole, _, decimals = text.partition(".")
    # Fewer than two decimals are padded with zeros, as quantize to 0.01 would.
    return f"{whole},{decimals:0<2} ha"


@cache
def crop_part_prefix(species: str, area_type: str) -> str:
    """A counted crop component's line up to its hectares."""
    return f"Getaxeerde schade {component(species, area_type).lower()}, "


def crop_part(species: str, area_type: str, area_ha: Decimal) -> str:
    """A counted crop component (its assessed damage is the step's amount)."""
    return crop_part_prefix(species, area_type) + hectares(area_ha)


def livestock_part(species: str, area_type: str, costs: dict[str, Decimal], capped: bool) -> str:
    """A counted livestock component with its cost kinds."""
    lines = ", ".join(f"{ITEMS[kind]} {eur(amount)}" for kind, amount in costs.items() if amount)
    cap = " (dierenartskosten begrensd op de waarde van het dier)" if capped else ""
    return f"{component(species, area_type)}: {lines or 'geen kosten'}{cap}"


def excluded_suffix(rule: Exclusion | None) -> str:
    """Why a component does not count, after its assessed damage."""
    why = f"niet vergoed: {rule.reason}" if rule else "geoogst vóór de taxatie"
    return f", telt niet mee ({why})"


def excluded(species: str, area_type: str, damage: Decimal, rule: Exclusion | None) -> str:
    """A component that does not count, with why."""
    return f"{component(species, area_type)}: getaxeerd {eur(damage)}{excluded_suffix(rule)}"


def prevention(crop: str, required: tuple[str, ...], missing: list[str], exempt: bool) -> str:
    """Whether the required preventive measures were in place."""
    if exempt:
        return f"Preventieve middelen niet vereist bij {CROPS[crop].name_nl}"
    if missing:
        return "Onvoldoende preventie: ontbreekt " + " en ".join(
            MEASURES.get(m, m) for m in missing
        )
    return "Preventieve middelen aanwezig: " + " en ".join(MEASURES.get(m, m) for m in required)


def finding(value: str, accepted: bool) -> str:
    """The finding on the cause of livestock damage."""
    if accepted:
        return f"Schade {FINDINGS[value]} veroorzaakt door wolf of goudjakhals"
    return f"Bevinding: {FINDINGS[value]}; schade niet door wolf of goudjakhals aangetoond"


def rejected(reasons: list[str]) -> str:
    """Why the claim is rejected."""
    return "Afgewezen: " + "; ".join(REASONS[reason] for reason in reasons)


def own_risk_part_prefix(species: str, area_type: str, rule: OwnRiskRule) -> str:
    """The percentage part of one component, up to its damage."""
    return f"Eigen risico {component(species, area_type).lower()}: {pct(rule.rate)} van "


def own_risk_part(species: str, area_type: str, rule: OwnRiskRule, damage: Decimal) -> str:
    """The percentage part of one component."""
    return own_risk_part_prefix(species, area_type, rule) + eur(damage)


def own_risk(rates: set[Decimal], total: Decimal, part: Decimal, minimum: Decimal) -> str:
    """The own risk of the claim from the positive rates, their damage and the minimum."""
    if not rates:
        return "Geen eigen risico (0%)"
    share = pct(next(iter(rates))) if len(rates) == 1 else f"{eur(part)} (samengesteld)"
    return f"Eigen risico {share} van {eur(total)}, minimaal {eur(minimum)}"


def supplement_prefix(rate: Decimal, species: str, area_type: str) -> str:
    """A supplement per hectare, up to the hectares."""
    return f"Toeslag {component(species, area_type).lower()}: {eur(rate)} per ha × "


def supplement(rate: Decimal, area_ha: Decimal, species: str, area_type: str) -> str:
    """A supplement per hectare."""
    return supplement_prefix(rate, species, area_type) + hectares(area_ha)


def reduction(percentage: Decimal, base: Decimal) -> str:
    """The officer's reduction."""
    return f"Korting {pct(percentage / 100)} van {eur(base)}"


def payout(compensation: Decimal, minimum: Decimal, eligible: bool) -> str:
    """Whether the compensation is paid."""
    if not eligible:
        return "Geen uitbetaling"
    if compensation < minimum:
        return f"Tegemoetkoming lager dan {eur(minimum)}: geen uitbetaling"
    return "Uit te betalen"


def leges(livestock: bool) -> str:
    """The leges of the claim."""
    return "Geen leges bij schade door wolf of goudjakhals" if livestock else "Leges"


@cache  # one per province policy
def _refund_rule(policy: str, species: frozenset[str]) -> str:
    names = sorted(SPECIES[code].name_nl for code in species)
    listed = ", ".join(names[:-1]) + f" of {names[-1]}" if len(names) > 1 else "".join(names)
    return {
        "never": "geen terugbetaling in deze provincie",
        "if_granted": "terug bij toekenning",
        "if_granted_or_species": f"terug bij toekenning of bij schade door {listed}",
        "if_admissible": "terug bij een tijdige aanvraag",
    }[policy]


def leges_refund(leges: Decimal, refunded: bool, policy: str, species: frozenset[str]) -> str:
    """Whether the leges are paid back, and the province's rule."""
    if not leges:
        return "Geen leges betaald"
    rule = _refund_rule(policy, species)
    return f"Leges worden {'' if refunded else 'niet '}terugbetaald ({rule})"
