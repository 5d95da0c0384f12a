"""Seeded calculation cases and the engine's answers to them, kept as a golden file.

The golden file (``golden_results.jsonl.gz``) was written by the engine as it was before the
lookup-table rewrite of issue 13; ``test_rules_golden.py`` asserts that the engine still gives the
very same answer to every case: the output of ``flask rules calculate``, the exact ``Decimal``
values of the result (exponent included), or the same error naming the same fields.

Run ``python tests/rules/golden_cases.py`` to rewrite the file: only ever do so on purpose, when a
rule or a wording changes, and say so in the commit.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import random
import re
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden_results.jsonl.gz")
EXAMPLES = ROOT / ".." / "shared" / "cases" / "examples.json"
SEED = 13_2025
VALID, INVALID = 4000, 600

if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from faunaschade.rules import CaseError, NoRuleSetError, Result, calculate  # noqa: E402
from faunaschade.rules.catalogue import AREA_TYPES, CROPS, PROVINCES, SPECIES  # noqa: E402

CROP_SPECIES = sorted(code for code, s in SPECIES.items() if s.kind == "crop")
LIVESTOCK_SPECIES = sorted(code for code, s in SPECIES.items() if s.kind == "livestock")
# Mostly days some rule set covers (NH since 2021-05-01, the rest since 2024), a few before.
FIRST_DAY, LAST_DAY = date(2021, 4, 1), date(2028, 1, 1)
SUBMITTED_AFTER = [0, 0, 1, 1, 3, 6, 8, 9, 10, 14]  # days; 7 working days is the deadline
GEESE = ["grauwe_gans", "kolgans", "brandgans", "rotgans", "smient", "knobbelzwaan"]
ITEM_TYPES = ("animal_value", "vet_costs", "abortion", "carcass_removal")
OFFSETS = ("", "", "", "Z", "+01:00", "+02:00", "-03:30")


def _amount(rng: random.Random, median: float, places: int = 2) -> Any:
    """An amount as the inputs give it: mostly a string, now and then a JSON number or int."""
    value = max(0, round(rng.lognormvariate(0, 1.2) * median, places))
    if rng.random() < 0.04:
        return 0 if rng.random() < 0.5 else "0"
    text = f"{value:.{rng.choice(range(places + 1))}f}"
    roll = rng.random()
    if roll < 0.08:
        return int(value)
    if roll < 0.16:
        return Decimal(text)  # a JSON number, as the CLI reads it (parse_float=Decimal)
    return text


def _day(rng: random.Random, province: str) -> date:
    """A discovery day: mostly one the province's rule sets cover, now and then one before."""
    first = FIRST_DAY if province == "NH" or rng.random() < 0.03 else date(2024, 1, 1)
    return first + timedelta(days=rng.randrange((LAST_DAY - first).days))


def _province(rng: random.Random) -> str:
    return rng.choice(["NH", "NH", "FR", "ZH", "UT", *sorted(PROVINCES)])


def _species(rng: random.Random) -> str:
    """Any crop-damaging species; geese (most rules name them) more often."""
    return rng.choice(GEESE if rng.random() < 0.4 else CROP_SPECIES)


def crop_case(rng: random.Random) -> dict[str, Any]:
    """A crop case over every crop, species, area type and rule-set feature."""
    province = _province(rng)
    day = _day(rng, province)
    pairs = {(_species(rng), rng.choice(sorted(AREA_TYPES))) for _ in range(4)}
    components = []
    for species, area in sorted(pairs)[: rng.choice([1, 1, 1, 2, 2, 3, 4])]:
        component: dict[str, Any] = {
            "species": species,
            "area_type": area,
            "assessed_damage": _amount(rng, 1500),
            "damaged_area_ha": _amount(rng, 3, rng.choice([1, 2, 2, 3, 4])),
        }
        if rng.random() < 0.9:
            component["harvested_before_assessment"] = rng.random() < 0.05
        components.append(component)
    case: dict[str, Any] = {
        "province": province,
        "kind": "crop",
        "crop": rng.choice(sorted(CROPS)),
        "discovered_on": day.isoformat(),
        "submitted_on": (day + timedelta(days=rng.choice(SUBMITTED_AFTER))).isoformat(),
        "components": components,
    }
    if rng.random() < 0.95:
        case["preventive_measures"] = rng.choice(
            [["acoustic", "visual"]] * 12 + [["visual"], ["acoustic"], [], ["visual", "laser"]]
        )
    if rng.random() < 0.5:
        case["reduction_pct"] = rng.choice(["0", "0", "10", "25", "12.5", "33.3333", 5, "100"])
    if rng.random() < 0.5:
        case["own_risk_borne_this_year"] = rng.choice(["0.00", "100.00", "250", "75.5", 300])
    return case


def livestock_case(rng: random.Random) -> dict[str, Any]:
    """A wolf or golden-jackal case with killed and injured animals, with or without offsets."""
    province = _province(rng)
    day = _day(rng, province)
    offset = rng.choice(OFFSETS)
    found = datetime.combine(day, time(rng.randrange(24), rng.choice([0, 15, 30])))
    hours = rng.choice([0, 1, 5, 12, 23, 24, 24, 25, 30, 48])
    reported = found + timedelta(hours=hours, minutes=rng.choice([0, 0, 1]))
    components = []
    for species in rng.sample(LIVESTOCK_SPECIES, rng.choice([1, 1, 1, 2])):
        items: list[dict[str, Any]] = []
        for n in range(rng.randint(1, 5)):
            animal = f"schaap-{n}"
            value = _amount(rng, 220)
            if rng.random() < 0.6:
                items.append({"type": "animal_value", "animal": animal, "amount": value})
                if rng.random() < 0.2:
                    items.append(
                        {"type": "vet_costs", "animal": animal, "amount": _amount(rng, 150)}
                    )
            else:
                items.append(
                    {
                        "type": "vet_costs",
                        "animal": animal,
                        "amount": _amount(rng, 180),
                        "animal_value": value,
                    }
                )
        for kind in ITEM_TYPES[2:]:
            if rng.random() < 0.3:
                items.append({"type": kind, "animal": "schaap-0", "amount": _amount(rng, 60)})
        component: dict[str, Any] = {"species": species, "items": items}
        if rng.random() < 0.4:
            component["area_type"] = rng.choice(sorted(AREA_TYPES))
        components.append(component)
    case: dict[str, Any] = {
        "province": province,
        "kind": "livestock",
        "discovered_at": found.isoformat() + offset,
        "reported_at": reported.isoformat() + offset,
        "wolf_finding": rng.choice(["certain", "probable", "probable", "dog", "fox", "unknown"]),
        "components": components,
    }
    if rng.random() < 0.3:
        case["reduction_pct"] = rng.choice(["0", "10", "50"])
    if rng.random() < 0.2:
        case["own_risk_borne_this_year"] = "100.00"
    return case


ODD_VALUES: list[Any] = [None, "", "abc", 1.5, True, 0, 12, "12.345", "-1", "1e3", " 12",
                         "2025-3-3", "2025-02-30", [], {}, ["Visual"], "GR", "wolf", "peer",
                         "regular", "100.0001", "2025-06-02T25:00:00", "x" * 3]  # fmt: skip


def _mutate(rng: random.Random, case: dict[str, Any]) -> dict[str, Any]:
    """A valid case broken in one or two places (or not at all, now and then)."""
    case = copy.deepcopy(case)
    for _ in range(rng.choice([1, 1, 2])):
        target = case
        if isinstance(case.get("components"), list) and case["components"] and rng.random() < 0.4:
            target = rng.choice(case["components"])
            if not isinstance(target, dict):
                continue
            if isinstance(target.get("items"), list) and target["items"] and rng.random() < 0.5:
                target = rng.choice(target["items"])
        if not isinstance(target, dict) or not target:
            continue
        roll = rng.random()
        key = rng.choice(sorted(target))
        if roll < 0.3:
            del target[key]
        elif roll < 0.85:
            target[key] = rng.choice(ODD_VALUES)
        elif roll < 0.92:
            target["extra"] = "?"
        elif isinstance(case.get("components"), list) and case["components"]:
            case["components"].append(copy.deepcopy(case["components"][0]))
    return case


def cases() -> list[dict[str, Any]]:
    """The worked examples, then the seeded valid cases, then broken ones."""
    rng = random.Random(SEED)
    examples = [e["case"] for e in json.loads(EXAMPLES.read_text(encoding="utf-8"))]
    valid = [livestock_case(rng) if rng.random() < 0.15 else crop_case(rng) for _ in range(VALID)]
    broken = [_mutate(rng, rng.choice(valid[:500])) for _ in range(INVALID)]
    return [*examples, *valid, *broken, "not an object", [], {"kind": "other"}]


def exact(result: Result) -> list[str]:
    """Every Decimal of the result as ``str`` (so 0 and 0.00 differ) and every step's amount."""
    values = [str(getattr(result, name)) for name in Result.__dataclass_fields__]
    return values + [repr(step) for step in result.steps]


def answer(case: Any) -> dict[str, Any]:
    """What the engine makes of one case: its output and exact values, or its error."""
    try:
        result = calculate(case)
    except CaseError as error:
        return {"case_error": error.fields}
    except NoRuleSetError as error:
        return {"no_rule_set": str(error)}
    return {"out": result.to_dict(), "exact": exact(result)}


def dumps(value: Any) -> str:
    """Compact JSON; a Decimal of the input (a JSON number to the CLI) as ``{"$decimal": "…"}``."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_decimal)


def _decimal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise TypeError(type(value))


def _revive(data: dict[str, Any]) -> Any:
    return Decimal(data["$decimal"]) if data.keys() == {"$decimal"} else data


def loads(text: str) -> Any:
    """The inverse of ``dumps``."""
    return json.loads(text, object_hook=_revive)


_NUMBER = re.compile(r'"\$decimal:([-0-9.eE+]+)"')


def cli_input(values: Any) -> str:
    """JSON as ``flask rules calculate`` is given it: a Decimal of a case as a JSON number."""
    text = json.dumps(values, ensure_ascii=False, default=lambda d: f"$decimal:{d}")
    return _NUMBER.sub(r"\1", text)


def cli(values: Any) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``flask rules calculate`` given ``values``."""
    from click.testing import CliRunner

    from faunaschade.cli.rules import rules

    done = CliRunner().invoke(rules, ["calculate"], input=cli_input(values))
    return done.exit_code, done.stdout, done.stderr


def load() -> tuple[list[tuple[Any, dict[str, Any]]], dict[str, Any]]:
    """The golden pairs (case as the CLI reads it, expected answer), and the command's output."""
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as handle:
        rows = [loads(line) for line in handle]
    return [(row["case"], row["answer"]) for row in rows[:-1]], rows[-1]["cli"]


def command_outputs(pairs: list[tuple[Any, dict[str, Any]]]) -> dict[str, Any]:
    """The command on every valid case (stdout's SHA-256), and on all of them (stderr)."""
    valid = [case for case, answer in pairs if "out" in answer]
    code, out, err = cli(valid)
    assert code == 0, err
    bad_code, bad_out, errors = cli([case for case, _ in pairs])
    return {
        "valid_exit": code,
        "valid_stdout_sha256": hashlib.sha256(out.encode()).hexdigest(),
        "valid_stdout_bytes": len(out.encode()),
        "all_exit": bad_code,
        "all_stdout": bad_out,
        "all_stderr": errors,
    }


def write() -> None:
    """Rewrite the golden file from the engine as it is now."""
    rows, pairs = [], []
    for case in cases():
        case = loads(dumps(case))  # as the test reads it back
        pairs.append((case, answer(case)))
        rows.append(dumps({"case": case, "answer": pairs[-1][1]}) + "\n")
    rows.append(dumps({"cli": command_outputs(pairs)}) + "\n")
    with gzip.GzipFile(GOLDEN, "wb", mtime=0) as handle:
        handle.write("".join(rows).encode("utf-8"))
    print(f"{len(rows)} cases written to {GOLDEN.name} ({GOLDEN.stat().st_size:,} bytes)")


if __name__ == "__main__":
    write()
