"""How pytest-xdist hands out files: the longest first, and nothing queued behind them.

scripts/test.sh runs each pass with `-n 3 --dist loadfile --no-loadscope-reorder`: a worker takes
one whole file after another, in collection order. The files in LONGEST_FIRST spend most of
their time waiting (rq's heartbeat grace, a browser sweep, processes starting) or are long (ten
seconds and more on a 2-core machine). They are collected first, so they start at once, and a
worker running one gets only the smallest file left queued behind it until it is done (xdist
would otherwise queue the next files behind it while the other workers run dry). Without xdist
the order changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from xdist.scheduler import LoadFileScheduling

#: File names, longest first (the wall time of a file within a pass).
LONGEST_FIRST = (
    "test_accessibility.py",
    "test_fuzz_api.py",
    "test_worker_killed.py",
    "test_checkpoints.py",
    "test_autotax_api.py",
    "test_layers_and_classify.py",
    "test_make_run.py",
    "test_production_start.py",
    "test_letter_kill_retry.py",
    "test_livestock_browser.py",
    "test_delivery.py",
    "test_objection_browser.py",
    "test_worker_fork.py",
    "test_rules_flask_command.py",
    "test_access_matrix.py",
    "test_letters.py",
    "test_assessment_browser.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: files stay whole


class LongFilesAlone(LoadFileScheduling):
    """xdist's loadfile, except that a worker busy with a long file gets only a small file more.

    An xdist worker starts a test only once it knows the test after it, so the last test of a
    long file needs one more file queued behind it: the smallest one left.
    """

    def _reschedule(self, node) -> None:
        if node.shutting_down or not self.workqueue or not self._busy_with_a_long_file(node):
            super()._reschedule(node)
        elif self._pending_of(self.assigned_work[node]) <= 1:
            short = [scope for scope in self.workqueue if not _long(scope)] or list(self.workqueue)
            smallest = min(short, key=lambda scope: len(self.workqueue[scope]))
            self.workqueue.move_to_end(smallest, last=False)
            self._assign_work_unit(node)

    def _busy_with_a_long_file(self, node) -> bool:
        return any(
            _long(scope) and not all(done.values())
            for scope, done in self.assigned_work.get(node, {}).items()
        )


def _long(scope: str) -> bool:
    return Path(scope).name in LONGEST_FIRST


def pytest_xdist_make_scheduler(config: pytest.Config, log) -> LoadFileScheduling | None:
    """LongFilesAlone for `--dist loadfile`; xdist's own scheduler for any other mode."""
    if config.getoption("dist") != "loadfile":
        return None
    return LongFilesAlone(config, log)
