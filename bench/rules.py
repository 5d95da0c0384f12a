"""Benchmark of the rules engine: validate and calculate N generated claims (seeded).

Figures (cases per second, best of --repeat runs) beside a baseline measured in the same run:
parse + validate and parse + validate + calculate against json.loads of the same input (the
parsing floor); the engine alone on validated cases against building one bare Result per case;
``flask rules calculate`` with 20,000 cases on stdin in a fresh process, its start-up (the same
command given ``[]``, run in turn with it) subtracted — in CPU seconds of the process (robust on
a busy machine) and in wall seconds — and once with it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faunaschade.rules import Result, calculate, parse_case, rule_sets

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


def _best(work: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds (the machine is shared: noise only adds)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _flask_run(stdin: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and its children) of ``flask rules
    calculate < stdin`` in a fresh process, start-up included. CPU time is what the command
    costs whatever else the machine does; wall time is what its user waits."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), "FLASK_APP": "wsgi"}
    env.setdefault("DATABASE_URL", f"sqlite:///{stdin.with_suffix('.db')}")
    env.pop("REDIS_URL", None)
    flask = Path(sys.executable).parent / "flask"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with stdin.open("rb") as source:
        start = time.perf_counter()
        done = subprocess.run(
            [str(flask), "rules", "calculate"],
            stdin=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=root,
            env=env,
            check=False,
        )
        seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"flask rules calculate failed: {done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def _command_figures(stdin: Path, empty: Path, repeat: int) -> dict[str, float]:
    """The command with its cases and with '[]' (start-up alone), run in turn `repeat` times
    (so that a busy moment hits both alike); the least of each measure."""
    runs = [(_flask_run(empty), _flask_run(stdin)) for _ in range(repeat)]
    return {
        "start_up": min(alone[0] for alone, _ in runs),
        "command": min(full[0] for _, full in runs),
        "start_up_cpu": min(alone[1] for alone, _ in runs),
        "command_cpu": min(full[1] for _, full in runs),
    }


def _row(figure: str, value: float, baseline: float | None, label: str, goal: str) -> dict:
    ratio = None if not baseline else round(value / baseline, 3)
    return {"figure": figure, "value": round(value), "unit": "cases/s", "baseline":
            None if baseline is None else round(baseline), "baseline_label": label,
            "ratio": ratio, "goal": goal}  # fmt: skip


def main() -> None:
    """Time parsing, validating and calculating in-process and through the command; ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20_000, help="claims in-process (20000)")
    parser.add_argument("--full", action="store_true", help="100,000 claims in-process")
    parser.add_argument("--cli-n", type=int, default=20_000, help="claims through the command")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure, best kept")
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--json", action="store_true", help="last line: the figures as JSON")
    args = parser.parse_args()
    n = 100_000 if args.full else args.n
    load = _best(rule_sets, 1)
    text = json.dumps(generate(n, args.seed))
    data = json.loads(text, parse_float=Decimal)
    for case in data[:2000]:  # compile the tables of the days and components first seen
        calculate(case)
    floor = n / _best(lambda: json.loads(text, parse_float=Decimal), args.repeat)
    parse = n / _best(lambda: [parse_case(case) for case in data], args.repeat)
    total = n / _best(lambda: [calculate(case) for case in data], args.repeat)
    cases = [parse_case(case) for case in data]
    # A floor for any engine: one Result built per case, nothing worked out.
    zero = Decimal("0.00")
    trivial = n / _best(
        lambda: [Result("x", c.discovered_on, True, (), *[zero] * 8, ()) for c in cases],
        args.repeat,
    )

    def engine() -> None:
        for case in cases:
            calculate(case)

    alone = n / _best(engine, args.repeat)
    paid = sum(calculate(case).payout > 0 for case in cases[:2000])
    with tempfile.TemporaryDirectory() as tmp:
        stdin, empty = Path(tmp) / "cases.json", Path(tmp) / "empty.json"
        stdin.write_text(json.dumps(generate(args.cli_n, args.seed)), encoding="utf-8")
        empty.write_text("[]", encoding="utf-8")
        timed = _command_figures(stdin, empty, args.repeat)
    start_up, command = timed["start_up"], timed["command"]
    work = max(command - start_up, 1e-9)
    work_cpu = max(timed["command_cpu"] - timed["start_up_cpu"], 1e-9)
    rows = [
        _row("parse + validate", parse, floor, "json.loads of the same input", ">= 20,000/s"),
        _row("parse + validate + calculate", total, floor, "json.loads of the same input",
             ">= 20,000/s"),
        _row("engine alone, validated input", alone, trivial, "one bare Result() per case",
             ">= 50,000/s"),
        _row(f"flask rules calculate, {args.cli_n} cases via stdin, start-up excluded, CPU",
             args.cli_n / work_cpu, args.cli_n / timed["start_up_cpu"],
             "cases per CPU-second of start-up alone", ">= 20,000/s"),
        _row(f"flask rules calculate, {args.cli_n} cases via stdin, start-up excluded, wall",
             args.cli_n / work, args.cli_n / start_up, "cases per second of start-up alone",
             ">= 20,000/s"),
        _row(f"flask rules calculate, {args.cli_n} cases via stdin, start-up included",
             args.cli_n / command, None, "", "(start-up is Flask's, not the engine's)"),
    ]  # fmt: skip
    print(f"rule sets loaded and checked once in {load * 1000:.1f} ms")
    print(f"{n:,} claims in-process ({paid / min(n, 2000):.0%} of a sample paid out), best of"
          f" {args.repeat}")  # fmt: skip
    print(f"command: {start_up:.2f} s start-up (given '[]'), {command:.2f} s in all; CPU "
          f"{timed['start_up_cpu']:.2f} s and {timed['command_cpu']:.2f} s")  # fmt: skip
    for row in rows:
        ratio = "" if row["ratio"] is None else f"  x{row['ratio']:.2f} of {row['baseline']:,}/s"
        print(f"{row['figure']:<72} {row['value']:>9,}/s{ratio} ({row['baseline_label'] or '-'})"
              f"  goal {row['goal']}")  # fmt: skip
    if args.json:
        print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
