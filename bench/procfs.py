"""A process's line in /proc (Linux), as the benchmarks read CPU time: its command, its parent
and the CPU seconds (user + system) it has used."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcStat:
    """What /proc/<pid>/stat says of one process."""

    command: str  #: The executable's name (comm), e.g. "postgres".
    parent: int  #: The parent's pid.
    cpu_seconds: float  #: User + system CPU time so far.


def proc_stat(pid: int | str) -> ProcStat | None:
    """The process's figures; None when it has ended (or there is no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command is in parentheses and may itself hold spaces or parentheses.
    command = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    return ProcStat(command, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
