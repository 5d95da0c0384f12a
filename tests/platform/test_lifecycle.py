"""Every status changes through its life cycle's table (faunaschade/models/lifecycle.py)."""

import ast
import itertools
from collections import deque
from pathlib import Path

import pytest

import faunaschade
from faunaschade.errors import InvalidTransition
from faunaschade.extensions import db
from faunaschade.models import BatchStatus, JobRecord, Letter, LetterStatus, PaymentBatch
from faunaschade.models.decisions import LETTER_LIFECYCLE
from faunaschade.models.lifecycle import LIFECYCLES, Lifecycle
from faunaschade.models.payments import BATCH_LIFECYCLE

PACKAGE = Path(faunaschade.__file__).resolve().parent
MECHANISM = PACKAGE / "models" / "lifecycle.py"
#: The job queue's own bookkeeping (JobRecord) follows what rq reports, also through raw
#: connections outside the session; it has no table of steps. Only JobStatus values there.
JOBS = PACKAGE / "jobs" / "core.py"
#: The demo seed writes its rows as plain dicts (no model, no attribute); `Story.status` is the
#: status its claim story has reached, checked against the claim table by Story.step.
SEED_STORY = PACKAGE / "seed" / "story.py"


def _is_status(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "status"


def _targets(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.For):
        targets = [node.target]
    else:
        return []
    flat = []
    for target in targets:
        flat.extend(target.elts if isinstance(target, ast.Tuple | ast.List) else [target])
    return flat


def _writes_status(node: ast.AST) -> bool:
    """An assignment to `x.status`, setattr(x, "status", …) or `.values(status=…)`."""
    if any(_is_status(t) for t in _targets(node)):
        return True
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) > 1:
        name = node.args[1]
        return isinstance(name, ast.Constant) and name.value == "status"
    if isinstance(func, ast.Attribute) and func.attr == "values":
        if any(k.arg == "status" for k in node.keywords):
            return True
        for arg in node.args:
            if isinstance(arg, ast.Dict):
                for key in arg.keys:
                    if _is_status(key) or (isinstance(key, ast.Constant) and key.value == "status"):
                        return True
    return False


def _excepted(path: Path, node: ast.AST) -> bool:
    if path == MECHANISM:
        return True
    if path == JOBS:
        return "JobStatus" in ast.unparse(node.value if hasattr(node, "value") else node)
    if path == SEED_STORY:
        return all(ast.unparse(t) == "self.status" for t in _targets(node) if _is_status(t))
    return False


def _start_of_created(node: ast.AST, starts: dict[str, Lifecycle]) -> str | None:
    """`Model(status=X.Y)` for a model with a table: None when Y is its start, else the problem."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    lifecycle = starts.get(node.func.id)
    for keyword in node.keywords if lifecycle else ():
        value = keyword.value
        if keyword.arg == "status" and not (
            isinstance(value, ast.Attribute) and value.attr == lifecycle.start.name
        ):
            return f"created in {ast.unparse(value)}, not in {lifecycle.start.name}"
    return None


def status_writes(package: Path = PACKAGE) -> list[str]:
    """file:line of every status change outside the mechanism (and its two exceptions)."""
    starts = {lifecycle.model.__name__: lifecycle for lifecycle in LIFECYCLES}
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(package.parent)}:{getattr(node, 'lineno', 0)}"
            if _writes_status(node) and not _excepted(path, node):
                found.append(f"{where}: {ast.unparse(node).splitlines()[0]}")
            if problem := _start_of_created(node, starts):
                found.append(f"{where}: {problem}")
    return found


def test_no_status_is_set_outside_its_life_cycle():
    assert status_writes() == [], "use the model's Lifecycle.transition() (models/lifecycle.py)"


def test_the_scan_finds_a_status_set_by_hand(tmp_path):
    package = tmp_path / "faunaschade"
    package.mkdir()
    (package / "sneaky.py").write_text(
        "def pay(batch, letter_id):\n"
        "    batch.status = 'paid'\n"
        "    batch.status, batch.paid_at = 'paid', None\n"
        "    setattr(batch, 'status', 'paid')\n"
        "    update(Letter).values(status='failed')\n"
        "    update(Letter).values({Letter.status: 'failed'})\n"
        "    return PaymentBatch(status=BatchStatus.PAID)\n"
    )
    found = status_writes(package)
    assert [line.split(":")[1] for line in found] == ["2", "3", "4", "5", "6", "7"]
    assert found[0] == "faunaschade/sneaky.py:2: batch.status = 'paid'"
    assert found[-1] == "faunaschade/sneaky.py:7: created in BatchStatus.PAID, not in DRAFT"


def test_every_model_with_a_status_has_a_life_cycle():
    with_status = {
        mapper.class_
        for mapper in db.Model.registry.mappers
        if "status" in mapper.columns and mapper.class_ is not JobRecord
    }
    assert with_status == {lifecycle.model for lifecycle in LIFECYCLES}
    assert len(LIFECYCLES) == len(with_status)


def _reachable(lifecycle: Lifecycle) -> set:
    seen, todo = {lifecycle.start}, deque([lifecycle.start])
    while todo:
        for target in lifecycle.allowed_targets(todo.popleft()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lc: lc.model.__name__)
def test_every_status_is_reached_from_the_start(lifecycle):
    assert set(lifecycle.enum) == _reachable(lifecycle)
    assert all(
        isinstance(a, lifecycle.enum) and isinstance(b, lifecycle.enum) and name.strip()
        for (a, b), name in lifecycle.steps.items()
    )


def _obj(lifecycle: Lifecycle, status):
    obj = lifecycle.model(status=status)
    setattr(obj, lifecycle.key, "FS-2025-000042" if lifecycle.key == "reference" else 42)
    return obj


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lc: lc.model.__name__)
def test_a_step_outside_the_table_is_refused_and_one_in_it_is_taken(lifecycle):
    for start, to in itertools.product(lifecycle.enum, repeat=2):
        obj = _obj(lifecycle, start)
        if (start, to) in lifecycle.steps:
            assert lifecycle.can_transition(obj, to)
            assert lifecycle.transition(obj, to) == start
            assert obj.status == to
            continue
        assert not lifecycle.can_transition(obj, to)
        with pytest.raises(InvalidTransition) as refused:
            lifecycle.transition(obj, to)
        assert obj.status == start
        assert str(getattr(obj, lifecycle.key)) in refused.value.message
        assert f"'{start.value}' naar '{to.value}'" in refused.value.message
        allowed = ", ".join(t.value for t in lifecycle.allowed_targets(start))
        assert refused.value.fields == {"status": [f"toegestaan vanuit '{start.value}': {allowed}"]}


def test_the_batch_refusal_reads_as_the_claim_one():
    batch = PaymentBatch(id=7, status=BatchStatus.PAID)
    with pytest.raises(InvalidTransition) as refused:
        BATCH_LIFECYCLE.transition(batch, BatchStatus.CANCELLED)
    assert refused.value.message == "Betaalbatch 7 kan niet van 'paid' naar 'cancelled'."
    assert refused.value.fields == {"status": ["toegestaan vanuit 'paid': "]}
    assert BATCH_LIFECYCLE.sources(BatchStatus.CANCELLED) == [
        BatchStatus.DRAFT,
        BatchStatus.APPROVED,
    ]


def test_a_bulk_update_only_takes_rows_along_a_step():
    statement = LETTER_LIFECYCLE.update(LetterStatus.FAILED, Letter.id == 3, error="boom")
    sql = " ".join(str(statement.compile(compile_kwargs={"literal_binds": True})).split())
    assert sql == (
        "UPDATE letters SET status='failed', error='boom' "
        "WHERE letters.id = 3 AND letters.status IN ('pending', 'failed')"
    )
