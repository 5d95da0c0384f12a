"""Benchmark of the rules engine: validate and calculate N generated claims (seeded)."""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faunaschade.rules import calculate, parse_case, rule_sets

# Weights roughly after DOMAIN.md §8: Fryslân and Noord-Holland pay most, grassland and geese
# dominate, wolf damage is about 1 % of the money.
PROVINCES = {"FR": 20, "NH": 20, "ZH": 10, "GE": 10, "GR": 8, "OV": 6, "UT": 6, "DR": 5,
             "NB": 5, "ZE": 4, "LI": 3, "FL": 3}  # fmt: skip
CROPS: dict[str, tuple[int, list[str]]] = {
    "blijvend_grasland": (60, ["grauwe_gans", "brandgans", "kolgans", "smient", "knobbelzwaan"]),
    "tijdelijk_grasland": (8, ["grauwe_gans", "brandgans", "kolgans"]),
    "snijmais": (6, ["wild_zwijn", "das", "zwarte_kraai", "roek", "kauw"]),
    "wintertarwe": (5, ["grauwe_gans", "kolgans", "wild_zwijn", "haas"]),
    "bloemkool": (5, ["houtduif", "konijn", "haas"]),
    "spruitkool": (3, ["houtduif", "konijn"]),
    "peer": (4, ["mees", "spreeuw", "merel"]),
    "appel": (3, ["mees", "spreeuw"]),
    "aardappel": (3, ["wild_zwijn", "das", "ree"]),
    "suikerbiet": (3, ["wild_zwijn", "edelhert", "ree"]),
}
AREAS = {"regular": 80, "foerageergebied": 8, "rustgebied": 5, "natura2000": 4, "buffer": 3}
FIRST_DAY, DAYS = date(2024, 1, 1), 3 * 365


def _pick(rng: random.Random, weights: dict[str, Any]) -> str:
    keys = list(weights)
    values = [w if isinstance(w, int) else w[0] for w in weights.values()]
    return rng.choices(keys, values)[0]


def _euros(rng: random.Random, median: float) -> str:
    cents = max(1, round(rng.lognormvariate(0, 1.1) * median * 100))
    return f"{cents // 100}.{cents % 100:02d}"


def _crop_case(rng: random.Random, day: date) -> dict[str, Any]:
    crop = _pick(rng, CROPS)
    candidates = CROPS[crop][1]
    species = rng.sample(candidates, k=min(len(candidates), rng.choice([1, 1, 1, 2, 3])))
    components = [
        {
            "species": code,
            "area_type": _pick(rng, AREAS),
            "assessed_damage": _euros(rng, 1800),
            "damaged_area_ha": f"{rng.uniform(0.2, 12):.2f}",
            "harvested_before_assessment": rng.random() < 0.02,
        }
        for code in species
    ]
    return {
        "province": _pick(rng, PROVINCES),
        "kind": "crop",
        "crop": crop,
        "discovered_on": day.isoformat(),
        "submitted_on": (day + timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 9, 12]))).isoformat(),
        "preventive_measures": rng.choice([["acoustic", "visual"]] * 8 + [["visual"], []]),
        "components": components,
        "reduction_pct": rng.choice(["0"] * 18 + ["10", "25"]),
        "own_risk_borne_this_year": "0.00",
    }


def _livestock_case(rng: random.Random, day: date) -> dict[str, Any]:
    items: list[dict[str, str]] = []
    for n in range(rng.randint(1, 6)):
        value = _euros(rng, 200)
        if rng.random() < 0.7:
            items.append({"type": "animal_value", "animal": f"schaap-{n}", "amount": value})
        else:
            vet = _euros(rng, 120)
            items.append(
                {"type": "vet_costs", "animal": f"schaap-{n}", "amount": vet, "animal_value": value}
            )
    items.append({"type": "carcass_removal", "animal": "schaap-0", "amount": "60.00"})
    return {
        "province": _pick(rng, PROVINCES),
        "kind": "livestock",
        "discovered_at": f"{day.isoformat()}T06:30:00",
        "reported_at": f"{day.isoformat()}T{rng.choice(['08', '14', '21'])}:00:00",
        "wolf_finding": rng.choice(["certain", "probable", "probable", "dog", "unknown"]),
        "components": [{"species": rng.choice(["wolf"] * 9 + ["goudjakhals"]), "items": items}],
    }


def generate(n: int, seed: int = 20240101) -> list[dict[str, Any]]:
    """N realistic claims as JSON-like dicts, the same for the same seed."""
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        make = _livestock_case if rng.random() < 0.03 else _crop_case
        cases.append(make(rng, day))
    return cases


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    """Generate the claims, time parsing alone and parsing plus calculating, print ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="number of claims (100000)")
    parser.add_argument("--seed", type=int, default=20240101)
    args = parser.parse_args()
    n = args.n
    load = _timed(rule_sets)
    cases = generate(n, args.seed)
    for case in cases[:200]:  # warm the calendar caches
        calculate(case)
    parse = _timed(lambda: [parse_case(case) for case in cases])
    total = _timed(lambda: [calculate(case) for case in cases])
    paid = sum(calculate(case).payout > 0 for case in cases[:2000])
    print(f"rule sets loaded and checked once in {load * 1000:.1f} ms")
    print(f"{n} claims ({paid / min(n, 2000):.0%} of a sample paid out)")
    print(f"parse + validate only:   {parse:7.3f} s  ({n / parse:,.0f} claims/s)")
    print(f"parse + calculate:       {total:7.3f} s  ({n / total:,.0f} calculations/s)")
    print(
        f"calculation alone:       {total - parse:7.3f} s  (ratio total/parse {total / parse:.2f})"
    )
    print(f"projected for 10,000 claims: {total / n * 10_000 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
