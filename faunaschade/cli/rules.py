"""``flask rules``: calculate claims from JSON, and show the rule set in force."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, NoReturn, TextIO

import click

from faunaschade import clock
from faunaschade.rules import (
    Case,
    CaseError,
    NoRuleSetError,
    Result,
    RuleSet,
    calculate,
    parse_case,
    rule_set_for,
)
from faunaschade.rules import dwangsom as penalties
from faunaschade.rules.amounts import eur, pct
from faunaschade.rules.catalogue import PROVINCES
from faunaschade.rules.engine import results_json, results_json_pieces
from faunaschade.rules.model import Sourced

BAD_INPUT = 2


@click.group(name="rules")
def rules() -> None:
    """Rules engine: calculate claims and show rule sets."""


def _fail(lines: Iterable[str]) -> NoReturn:
    """Print each problem on stderr and exit with status 2."""
    for line in lines:
        click.echo(f"error: {line}", err=True)
    raise SystemExit(BAD_INPUT)


def _path(prefix: str, field: str) -> str:
    """Join a list index (``[2]``) and a field path (``components[0].species``)."""
    if field == "_schema":
        return prefix or "case"
    return f"{prefix}.{field}" if prefix else field


def _problems(error: CaseError | NoRuleSetError, case: Case | None, prefix: str) -> list[str]:
    """The lines that name a case's bad fields, or the day no rule set covers."""
    if isinstance(error, CaseError):
        return [f"{_path(prefix, f)}: {' '.join(m)}" for f, m in error.fields.items()]
    field = "discovered_at" if case is not None and case.kind == "livestock" else "discovered_on"
    return [f"{_path(prefix, field)}: {error}"]


def _calculate_all(data: Any) -> list[Result]:
    """The result of each case; exit 2 naming every bad field when any case has one."""
    results: list[Result] = []
    problems: list[str] = []
    append = results.append
    many = isinstance(data, list)
    for index, item in enumerate(data if many else [data]):
        case = None
        try:
            case = parse_case(item)
            append(calculate(case))
        except (CaseError, NoRuleSetError) as error:
            problems += _problems(error, case, f"[{index}]" if many else "")
    if problems:
        _fail(problems)
    return results


@rules.command("calculate")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def calculate_command(source: TextIO) -> None:
    """Read a case or a JSON list of cases (stdin, or SOURCE); write the results as JSON."""
    # The input, the cases and every result are kept until all are known good (nothing is
    # printed otherwise), and neither they nor the engine make reference cycles: the cyclic
    # collector, which would walk them again and again as they grow (a third of the time at
    # 20,000 cases), waits until the text is written.
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            data = json.load(source, parse_float=Decimal)
        except ValueError as error:  # JSONDecodeError, or bytes that are not UTF-8
            _fail([f"input: not valid JSON: {error}"])
        results = _calculate_all(data)
        many = isinstance(data, list)
        pieces = results_json_pieces(results) if many else [results_json(results[0])]
        # UTF-8 bytes, which click.echo writes to the binary stream as they are: given text, it
        # would copy it to add the newline and search it for terminal colour codes, of which
        # JSON has none (it writes ESC as \u001b).
        for piece in pieces:
            click.echo(piece.encode(), nl=False)
        click.echo(b"\n", nl=False)
    finally:
        if collecting:
            gc.enable()


@rules.command("dwangsom")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def dwangsom_command(source: TextIO) -> None:
    """The penalty for a late decision (Awb 4:17): read one JSON object or a list of them
    (term_ends_on, notice_received_on, decided_on or null, as_of while undecided; stdin or
    SOURCE), write premature, first_day, days, amount and steps as JSON."""
    try:
        data = json.load(source)
    except ValueError as error:
        _fail([f"input: not valid JSON: {error}"])
    many = isinstance(data, list)
    answers, problems = [], []
    for index, item in enumerate(data if many else [data]):
        prefix = f"[{index}]" if many else ""
        try:
            request = penalties.parse_request(item)
        except CaseError as error:
            problems += [f"{_path(prefix, f)}: {' '.join(m)}" for f, m in error.fields.items()]
            continue
        answers.append(penalties.calculate(request).to_dict())
    if problems:
        _fail(problems)
    click.echo(json.dumps(answers if many else answers[0], ensure_ascii=False, indent=2))


@rules.command()
@click.argument("province")
@click.option(
    "--on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Discovery date the rule set must cover (default: today).",
)
def show(province: str, on: datetime | None) -> None:
    """Print the rule set of PROVINCE (two-letter code) in force on a date."""
    code = province.upper()
    if code not in PROVINCES:
        _fail([f"province: Unknown province {province!r}; one of {', '.join(PROVINCES)}."])
    try:
        rule_set = rule_set_for(code, on.date() if on else clock.today())
    except NoRuleSetError as error:
        _fail([f"--on: {error}"])
    click.echo(render(rule_set))


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows aligned in columns under their headers."""
    lines = [headers, *rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(headers))]
    return ["  ".join(map(str.ljust, line, widths)).rstrip() for line in lines]


def _fact(label: str, value: str, fact: Sourced) -> list[str]:
    return [label, value, fact.confidence, fact.source]


def _codes(codes: Iterable[str] | None) -> str:
    return ", ".join(sorted(codes)) if codes else "any"


def render(rule_set: RuleSet) -> str:
    """The rule set as a readable table, every line with its confidence and source."""
    until = rule_set.valid_until.isoformat() if rule_set.valid_until else "open end"
    rule = rule_set.beleidsregel
    title = f"{rule.title} ({rule.reference})" if rule.reference else rule.title
    risk, refund, livestock = rule_set.own_risk, rule_set.leges_refund, rule_set.livestock
    refund_text = refund.policy + (f" [{_codes(refund.species)}]" if refund.species else "")
    prevention = rule_set.prevention
    measures = " + ".join(prevention.required) + f"; not for {_codes(prevention.exempt_crops)}"
    wolf = (
        f"report within {livestock.report_hours} h; findings "
        f"{_codes(livestock.accepted_findings)}; leges {eur(livestock.leges)}"
    )
    facts = [
        _fact("beleidsregel", title, rule),
        _fact("leges", eur(rule_set.leges.amount), rule_set.leges),
        _fact("leges refund", refund_text, refund),
        _fact("minimum payout", eur(rule_set.minimum_payout.amount), rule_set.minimum_payout),
        _fact("own risk", f"{pct(risk.rate)}, minimum {eur(risk.minimum)}", risk),
        _fact("minimum scope", risk.scope, risk.scope_source),
        _fact(
            "submission", f"{rule_set.submission.working_days} working days", rule_set.submission
        ),
        _fact("prevention", measures, prevention),
        _fact("livestock", wolf, livestock),
    ]
    if rule_set.compensated_source:
        opened = _codes(rule_set.compensated)
        facts.append(_fact("compensated after all", opened, rule_set.compensated_source))
    own_risk_rows = [
        [
            r.id,
            _codes(r.species),
            _codes(r.area_types),
            str(r.season or "all year"),
            pct(r.rate),
            "-" if r.supplement_per_ha is None else eur(r.supplement_per_ha),
            r.confidence,
            r.source,
        ]
        for r in risk.rules
    ]
    excluded_rows = [
        [e.id, _codes(e.species), str(e.season or "all year"), e.reason, e.confidence, e.source]
        for e in rule_set.not_compensated
    ]
    header = [
        f"Rule set {rule_set.version}: {PROVINCES[rule_set.province]} ({rule_set.province})",
        f"Valid {rule_set.valid_from.isoformat()} to {until}; file {rule_set.file}",
        "",
    ]
    return "\n".join(
        header
        + _table(["fact", "value", "confidence", "source"], facts)
        + ["", "Own-risk rules (highest rank first; else the default above)"]
        + _table(
            ["id", "species", "area", "season", "rate", "supplement/ha", "confidence", "source"],
            own_risk_rows,
        )
        + ["", "Not compensated"]
        + _table(["id", "species", "season", "reason", "confidence", "source"], excluded_rows)
    )
