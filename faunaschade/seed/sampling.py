"""What each seeded claim is about: province, crop, species and the day the damage was found."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from faunaschade import rules
from faunaschade.clock import damage_year
from faunaschade.models import ClaimStatus
from faunaschade.seed import profile

S = ClaimStatus
#: Rule sets start on 2024-01-01 for every province (SPEC §4.3): the seed starts there too.
FIRST_DAY = date(2024, 1, 1)

#: The first claims are steered to these statuses, so even a small seed shows every one;
#: the value is how many days before today their damage was found.
FORCED: dict[ClaimStatus, int] = {
    S.DRAFT: 2, S.AWAITING_PAYMENT: 4, S.SUBMITTED: 5, S.INCOMPLETE: 20,
    S.ASSESSMENT_ORDERED: 10, S.ASSESSED: 30, S.PROPOSED: 50, S.DECIDED: 60,
    S.OBJECTION: 90, S.PAID: 120, S.WITHDRAWN: 40,
}  # fmt: skip


@dataclass(frozen=True, order=True)
class Skeleton:
    """The fixed facts of one claim, sorted by discovery day."""

    day: date  #: Discovery day.
    index: int  #: Position in the generated order (a tie-breaker; keeps the seed deterministic).
    kind: str  #: crop or livestock.
    province: str
    crop: str | None
    species: tuple[str, ...]
    forced: ClaimStatus | None = None  #: Stop the claim's story at this status.


class Days:
    """Discovery days between two dates, weighted by season and by the growth per year."""

    def __init__(self, first: date, last: date) -> None:
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self._cum: dict[str, list[float]] = {}

    def _weights(self, season: str) -> list[float]:
        if season not in self._cum:
            months = profile.SEASONS[season]
            self._cum[season] = list(
                accumulate(
                    months[d.month - 1] * profile.YEAR_GROWTH.get(damage_year(d), 2.0)
                    for d in self.days
                )
            )
        return self._cum[season]

    def pick(self, rng: random.Random, season: str) -> date:
        return rng.choices(self.days, cum_weights=self._weights(season))[0]


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _crop_for(rng: random.Random, province: str) -> str:
    weights = {
        code: crop.weight * (crop.provinces.get(province, 0.4) if crop.provinces else 1)
        for code, crop in profile.CROPS.items()
    }
    return _weighted(rng, weights)


def _species_for(rng: random.Random, crop: str, province: str) -> tuple[str, ...]:
    weights = {
        code: weight
        * profile.SPECIES_PROVINCES.get(code, {}).get(
            province, 0.3 if code in profile.SPECIES_PROVINCES else 1
        )
        for code, weight in profile.CROPS[crop].species.items()
    }
    wanted = min(len(weights), rng.choices((1, 2, 3), (70, 25, 5))[0])
    chosen: list[str] = []
    while len(chosen) < wanted:
        code = _weighted(rng, {k: v for k, v in weights.items() if k not in chosen})
        chosen.append(code)
    return tuple(sorted(chosen))


def _excluded(province: str, species: tuple[str, ...], day: date) -> bool:
    rule_set = rules.rule_set_for(province, day)
    return all(rule_set.exclusion(code, day) for code in species)


def skeletons(rng: random.Random, n: int, last_day: date) -> list[Skeleton]:
    """N claims, sorted by discovery day; the first ones steered to every status."""
    days = Days(FIRST_DAY, last_day)
    found: list[Skeleton] = []
    forced = list(FORCED.items())
    for index in range(n):
        if index < len(forced):
            status, age = forced[index]
            day = last_day - timedelta(days=age)
            found.append(
                Skeleton(day, index, "crop", "NH", "blijvend_grasland", ("grauwe_gans",), status)
            )
            continue
        province = _weighted(rng, profile.PROVINCE_WEIGHTS)
        if rng.random() < profile.LIVESTOCK_SHARE:
            species = ("wolf",) if rng.random() < 0.9 else ("goudjakhals",)
            day = days.pick(rng, "livestock")
            found.append(Skeleton(day, index, "livestock", province, None, species))
            continue
        crop = _crop_for(rng, province)
        species = _species_for(rng, crop, province)
        day = days.pick(rng, profile.CROPS[crop].season)
        # Most farmers know when a species is not compensated and do not apply then.
        for _ in range(5):
            if not _excluded(province, species, day) or rng.random() < 0.15:
                break
            day = days.pick(rng, profile.CROPS[crop].season)
        found.append(Skeleton(day, index, "crop", province, crop, species))
    found.sort()
    return found
