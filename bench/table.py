"""Every figure of the performance table in one run, each beside the baseline measured with it.

Runs the benchmarks one after the other (each with --json; its own output is passed through) and
prints one table at the end: figure, value, baseline, ratio and goal. A benchmark that fails is
listed with its exit status; the others still run.

    python bench/table.py [--full] [--only rules,audit,...]

--full uses the issue's sizes (100,000 claims, 1.1 million audit events; about half an hour).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: name: (script, arguments for a short run, arguments for the issue's size)
BENCHES = {
    "load": ("load.py", [], ["--full"]),
    "rules": ("rules.py", [], ["--full"]),
    "letters": ("worker_letters.py", [], ["--n", "100"]),
    "seed": ("seed.py", [], ["--claims", "100000"]),
    "audit": ("audit.py", [], ["--events", "1100000", "--rounds", "3"]),
    "statistics": ("statistics_figures.py", [], ["--claims", "100000"]),
}


def _run(name: str, full: bool) -> tuple[list[dict], str | None]:
    script, short, size = BENCHES[name]
    command = [sys.executable, str(ROOT / "bench" / script), *(size if full else short), "--json"]
    print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    lines = done.stdout.rstrip().splitlines()
    print("\n".join(lines[:-1]) if lines else "", flush=True)
    print(f"({time.perf_counter() - began:.0f} s)")
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
    try:
        rows = json.loads(lines[-1])["rows"]
    except (IndexError, ValueError, KeyError):
        return [], f"exit {done.returncode}, no figures"
    return rows, None if done.returncode == 0 else f"exit {done.returncode}"


def _number(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value < 100:
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--only", default=",".join(BENCHES))
    args = parser.parse_args()
    table, failures = [], []
    for name in args.only.split(","):
        rows, failure = _run(name, args.full)
        table += rows
        if failure:
            failures.append(f"{name}: {failure}")
    width = max((len(row["figure"]) for row in table), default=20)
    print(f"\n{'figure':<{width}}  {'value':>12} {'unit':<10} {'baseline':>12}  ratio   goal")
    for row in table:
        ratio = f"{row['ratio']:.2f}x" if row.get("ratio") is not None else "—"
        print(
            f"{row['figure']:<{width}}  {_number(row['value']):>12} {row.get('unit', ''):<10} "
            f"{_number(row.get('baseline')):>12}  {ratio:>6}  {row.get('goal', '')}"
        )
        if row.get("baseline_label"):
            print(f"{'':<{width}}  baseline: {row['baseline_label']}")
    for failure in failures:
        print(f"FAILED {failure}")
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
