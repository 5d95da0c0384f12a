"""Loading the rule-set files once, and choosing the set in force for a province and date."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from faunaschade.rules.errors import NoRuleSetError, RuleSetError
from faunaschade.rules.fields import flatten_errors
from faunaschade.rules.model import (
    Amount,
    Beleidsregel,
    Exclusion,
    LegesRefund,
    Livestock,
    OwnRisk,
    OwnRiskRule,
    Prevention,
    RuleSet,
    Season,
    Sourced,
    Submission,
)
from faunaschade.rules.schemas import RuleSetSchema

DATA_DIR = Path(__file__).with_name("data")
DEFAULTS = "defaults.toml"
_FILE_NAME = re.compile(r"([a-z]{2})-(\d{4}-\d{2}-\d{2})\.toml")
_SCHEMA = RuleSetSchema()
_PARTIAL = RuleSetSchema(partial=True)
_MERGED_BY_ID = ("rules", "not_compensated")

Index = Mapping[str, tuple[RuleSet, ...]]


def _read(path: Path) -> dict[str, Any]:
    """Parse one TOML file, reading every non-integer number as an exact Decimal."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise RuleSetError(f"{path.name}: not valid TOML: {error}") from None


def _check(schema: RuleSetSchema, data: dict[str, Any], name: str) -> dict[str, Any]:
    """Validate with ``schema``; ``RuleSetError`` names the file and the first bad fields."""
    try:
        return schema.load(data)  # type: ignore[return-value]
    except ValidationError as error:
        fields = flatten_errors(error.messages)
        detail = "; ".join(f"{field}: {' '.join(texts)}" for field, texts in fields.items())
        raise RuleSetError(f"{name}: {detail}") from None


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge a province file onto the defaults (lists of rules merge by id)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        elif key in _MERGED_BY_ID and isinstance(base.get(key), list):
            own = {entry.get("id") for entry in value}
            merged[key] = value + [entry for entry in base[key] if entry.get("id") not in own]
        else:
            merged[key] = value
    return merged


def _open_species(defaults: dict[str, Any], opened: Iterable[str]) -> dict[str, Any]:
    """The defaults without the species a province compensates after all."""
    opened = set(opened)
    kept = []
    for entry in defaults.get("not_compensated", []):
        species = [code for code in entry["species"] if code not in opened]
        if species:
            kept.append({**entry, "species": species})
    return {**defaults, "not_compensated": kept}


def _season(data: Mapping[str, Any] | None) -> Season | None:
    return None if data is None else Season(data["start"], data["end"])


def _sourced(data: Mapping[str, Any]) -> dict[str, str]:
    return {"source": data["source"], "confidence": data["confidence"]}


def _rule(data: Mapping[str, Any]) -> OwnRiskRule:
    return OwnRiskRule(
        id=data["id"],
        species=None if data["species"] is None else frozenset(data["species"]),
        area_types=None if data["area_types"] is None else frozenset(data["area_types"]),
        season=_season(data["season"]),
        rate=data["rate"],
        supplement_per_ha=data["supplement_per_ha"],
        **_sourced(data),
    )


def _own_risk(data: Mapping[str, Any]) -> OwnRisk:
    rules = sorted((_rule(rule) for rule in data["rules"]), key=lambda rule: rule.rank)
    scope = data["minimum_scope"]
    default = OwnRiskRule("standaard", None, None, None, data["rate"], None, **_sourced(data))
    return OwnRisk(
        rate=data["rate"],
        minimum=data["minimum"],
        scope=scope["value"],
        scope_source=Sourced(**_sourced(scope)),
        rules=tuple(rules),
        default=default,
        **_sourced(data),
    )


def build(data: Mapping[str, Any], file: str) -> RuleSet:
    """Turn one validated, merged rule-set document into a ``RuleSet``."""
    refund, livestock, compensated = data["leges_refund"], data["livestock"], data["compensated"]
    return RuleSet(
        province=data["province"],
        version=data["version"],
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
        file=file,
        beleidsregel=Beleidsregel(
            title=data["beleidsregel"]["title"],
            reference=data["beleidsregel"]["reference"],
            **_sourced(data["beleidsregel"]),
        ),
        submission=Submission(data["submission"]["working_days"], **_sourced(data["submission"])),
        prevention=Prevention(
            required=tuple(data["prevention"]["required"]),
            exempt_crops=frozenset(data["prevention"]["exempt_crops"]),
            **_sourced(data["prevention"]),
        ),
        livestock=Livestock(
            report_hours=livestock["report_hours"],
            accepted_findings=frozenset(livestock["accepted_findings"]),
            leges=livestock["leges"],
            **_sourced(livestock),
        ),
        leges=Amount(data["leges"]["amount"], **_sourced(data["leges"])),
        leges_refund=LegesRefund(
            refund["policy"], frozenset(refund["species"]), **_sourced(refund)
        ),
        minimum_payout=Amount(data["minimum_payout"]["amount"], **_sourced(data["minimum_payout"])),
        own_risk=_own_risk(data["own_risk"]),
        not_compensated=tuple(
            Exclusion(
                e["id"], frozenset(e["species"]), _season(e["season"]), e["reason"], **_sourced(e)
            )
            for e in data["not_compensated"]
        ),
        compensated=tuple(compensated["species"]) if compensated else (),
        compensated_source=Sourced(**_sourced(compensated)) if compensated else None,
    )


def _load_file(path: Path, defaults: dict[str, Any]) -> RuleSet:
    """Read, check and build one province file on top of the (already checked) defaults."""
    raw = _read(path)
    _check(_PARTIAL, raw, path.name)
    opened = (raw.get("compensated") or {}).get("species", [])
    data = _check(_SCHEMA, _merge(_open_species(defaults, opened), raw), path.name)
    match = _FILE_NAME.fullmatch(path.name)
    if match is None or match[1] != data["province"].lower():
        raise RuleSetError(f"{path.name}: province: file name must start with the province code")
    if match[2] != data["valid_from"].isoformat():
        raise RuleSetError(f"{path.name}: valid_from: must match the date in the file name")
    return build(data, path.name)


def _check_periods(sets: list[RuleSet]) -> None:
    """Refuse overlapping validity periods of one province and repeated versions."""
    versions: dict[str, str] = {}
    for rule_set in sets:
        if rule_set.version in versions:
            other = versions[rule_set.version]
            raise RuleSetError(f"{rule_set.file}: version: {rule_set.version} also in {other}")
        versions[rule_set.version] = rule_set.file
    for earlier, later in pairwise(sets):
        same = earlier.province == later.province
        if same and (earlier.valid_until is None or earlier.valid_until >= later.valid_from):
            raise RuleSetError(
                f"{later.file}: valid_from: overlaps {earlier.file} "
                f"({earlier.valid_from} to {earlier.valid_until or 'open end'})"
            )


def load_rule_sets(directory: Path = DATA_DIR) -> Index:
    """Read and check every rule-set file of ``directory``, by province, oldest first."""
    defaults_path = directory / DEFAULTS
    defaults = _read(defaults_path) if defaults_path.exists() else {}
    _check(_PARTIAL, defaults, DEFAULTS)
    files = sorted(p for p in directory.glob("*.toml") if p.name != DEFAULTS)
    sets = sorted(
        (_load_file(path, defaults) for path in files),
        key=lambda rule_set: (rule_set.province, rule_set.valid_from),
    )
    _check_periods(sets)
    index: dict[str, list[RuleSet]] = {}
    for rule_set in sets:
        index.setdefault(rule_set.province, []).append(rule_set)
    return {province: tuple(found) for province, found in index.items()}


@cache
def rule_sets() -> Index:
    """The rule sets shipped in ``data/``, read once per process."""
    return load_rule_sets()


# (province, day) → the shipped rule set in force: one dict lookup per calculation.
_SHIPPED_FOR: dict[tuple[str, date], RuleSet] = {}


def rule_set_for(province: str, on: date, index: Index | None = None) -> RuleSet:
    """The rule set of ``province`` in force on ``on``; ``NoRuleSetError`` when none."""
    if index is None:
        found = _SHIPPED_FOR.get((province, on))
        if found is not None:
            return found
    for rule_set in (rule_sets() if index is None else index).get(province, ()):
        if rule_set.covers(on):
            if index is None:
                _SHIPPED_FOR[province, on] = rule_set
            return rule_set
    raise NoRuleSetError(province, on)


def rule_set_by_version(version: str, index: Index | None = None) -> RuleSet:
    """The rule set with this version string (as stored with a decision)."""
    for found in (rule_sets() if index is None else index).values():
        for rule_set in found:
            if rule_set.version == version:
                return rule_set
    raise NoRuleSetError(version[:2], version, f"no rule set with version {version}")
