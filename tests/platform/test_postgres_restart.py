"""PostgreSQL restarted during a burst of submissions: each one stored whole, or a clean 503."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text

from faunaschade.accounts import users
from faunaschade.audit import chain as audit
from faunaschade.claims import operations as claims
from faunaschade.extensions import db
from faunaschade.farmers import operations as farmers
from faunaschade.models import (
    AuditEvent,
    Claim,
    ClaimStatus,
    FarmerProfile,
    JobRecord,
    Letter,
    LetterKind,
    Role,
    TokenKind,
)
from tests.support.app import DEMO_PASSWORD, ROOT, make_test_app, serving
from tests.support.farmers import recent_workday
from tests.support.redis_server import free_port

pytestmark = pytest.mark.postgres_only

PG_ROOT = Path("/usr/lib/postgresql")
#: Draft claims prepared; the burst stops long before they run out.
CLAIMS = 400
THREADS = 4
#: Successful submissions wanted before the restart, and again after it finished.
SUCCESSES_AROUND_RESTART = 10
#: A submitter that got a 503 waits this long (seconds), as a client backing off would, so
#: the claims last through the restart (crash recovery takes a few seconds).
BACKOFF = 0.2


def _pg_bindir() -> Path:
    found = sorted(
        (p for p in PG_ROOT.glob("*/bin") if (p / "pg_ctl").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not found:
        pytest.fail(
            f"no PostgreSQL server binaries in {PG_ROOT}/<version>/bin: "
            "make test installs them (scripts/ensure-system.sh, apt-get install postgresql)"
        )
    return found[-1]


class PostgresCluster:
    """A private cluster in a temporary directory, run as the postgres OS user."""

    def __init__(self, bindir: Path, directory: Path) -> None:
        self.bindir, self.directory, self.port = bindir, directory, free_port()
        self.data, self.log = directory / "data", directory / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        # pg_ctl's server inherits no pipe of ours (it logs to self.log), so run() returns.
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bindir / program), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"{program} {' '.join(args)} failed: {done.stdout}{done.stderr}")

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", *args,
            check=check,
        )  # fmt: skip

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.directory}'\n"
            )

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self, mode: str) -> None:
        self._pg_ctl("-m", mode, "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("-m", "immediate", "stop", check=False)


@pytest.fixture
def private_postgres() -> Iterator[PostgresCluster]:
    """A cluster of our own that the test may restart; stopped and removed afterwards."""
    bindir = _pg_bindir()
    directory = Path(tempfile.mkdtemp(prefix="faunaschade-pg-"))
    shutil.chown(directory, "postgres", "postgres")
    cluster = PostgresCluster(bindir, directory)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def restart_app(private_postgres: PostgresCluster, redis_conn) -> Iterator[Flask]:
    """The app on a migrated database in the private cluster (jobs go to the test Redis)."""
    admin = create_engine(private_postgres.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE faunaschade"))
    admin.dispose()
    app = make_test_app(private_postgres.url("faunaschade"))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def served(restart_app: Flask) -> Iterator[str]:
    """The app over real HTTP on loopback, one thread per request."""
    with serving(restart_app) as url:
        yield url


def _draft_claims(app: Flask) -> tuple[str, list[int]]:
    """One Limburg farmer (no leges: submitting sends the receipt) with draft claims."""
    with app.app_context():
        farmer = users.create_user("boer@example.nl", DEMO_PASSWORD, Role.FARMER)
        profile = FarmerProfile(
            user_id=farmer.id,
            name="Boer",
            kvk="01234567",
            iban="NL91ABNA0417164300",
            address="Dijk 1",
            postcode="6211 AA",
            city="Maastricht",
        )
        db.session.add(profile)
        db.session.flush()
        parcel = farmers.add_parcel(
            profile,
            {
                "name": "Wei",
                "area_ha": Decimal("4.2"),
                "crop": "blijvend_grasland",
                "tenure": "own",
            },
            farmer,
        )
        data = {
            "province": "LI",
            "crop": "blijvend_grasland",
            "discovered_on": recent_workday(),
            "species": ["grauwe_gans"],
            "parcels": [
                {"parcel_id": parcel.id, "damaged_area_ha": Decimal("2.5"), "area_type": "regular"}
            ],
            "preventive_measures": ["acoustic"],
            "description": "Ganzen op het land.",
        }
        ids = [claims.create_claim(profile, data, farmer).id for _ in range(CLAIMS)]
        token = users.issue_token(farmer, TokenKind.API, hours=1)
        db.session.commit()
        return token, ids


@dataclass(frozen=True)
class Answer:
    """One submission and what the server said."""

    claim_id: int
    status: int
    body: object
    sent_at: float


def _submit(base: str, token: str, claim_id: int) -> tuple[int, object]:
    request = urllib.request.Request(
        f"{base}/api/v1/claims/{claim_id}/submit",
        data=b"{}",
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except OSError as error:  # no HTTP answer at all: reported as status 0
        return 0, repr(error)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw[:300]


class Burst:
    """THREADS submitters taking draft claims off one queue until told to stop."""

    def __init__(self, base: str, token: str, claim_ids: list[int]) -> None:
        self.base, self.token = base, token
        self.todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for claim_id in claim_ids:
            self.todo.put(claim_id)
        self.answers: list[Answer] = []
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._work) for _ in range(THREADS)]

    def _work(self) -> None:
        while not self.stopping.is_set():
            try:
                claim_id = self.todo.get_nowait()
            except queue.Empty:
                break
            sent_at = time.monotonic()
            status, body = _submit(self.base, self.token, claim_id)
            with self.changed:
                self.answers.append(Answer(claim_id, status, body, sent_at))
                self.changed.notify_all()
            if status != 200:
                self.stopping.wait(BACKOFF)
        with self.changed:
            self.changed.notify_all()

    def successes(self, sent_after: float = 0.0) -> int:
        return sum(1 for a in self.answers if a.status == 200 and a.sent_at > sent_after)

    def wait_for_successes(self, n: int, sent_after: float, seconds: float) -> None:
        with self.changed:
            self.changed.wait_for(
                lambda: self.successes(sent_after) >= n or not self.running(), seconds
            )
            if self.successes(sent_after) < n:
                raise AssertionError(
                    f"fewer than {n} successful submissions within {seconds} s "
                    f"(answers so far: {[a.status for a in self.answers]})"
                )

    def running(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def __enter__(self) -> Burst:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)


def _claim_facts(claim_id: int) -> dict[str, object]:
    """What the database holds of a claim's submission."""
    claim = db.session.get(Claim, claim_id)
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.claim_id == claim_id).order_by(AuditEvent.id)
    ).all()
    letters = db.session.scalars(select(Letter).where(Letter.claim_id == claim_id)).all()
    job_ids = db.session.scalars(
        select(JobRecord.id).where(
            JobRecord.id.in_([f"letter-{letter.id}-v1" for letter in letters])
            | JobRecord.id.like(f"mail-%-claim-{claim_id}-v%")
        )
    ).all()
    return {
        "status": claim.status,
        "submitted_at": claim.submitted_at,
        "events": list(events),
        "letters": [letter.kind for letter in letters],
        "jobs": sorted(job_ids),
    }


#: A draft that no submission touched.
UNTOUCHED = {
    "status": ClaimStatus.DRAFT,
    "submitted_at": None,
    "events": ["claim.created"],
    "letters": [],
    "jobs": [],
}


def _submitted_whole(facts: dict[str, object]) -> bool:
    """Status, audit events, receipt letter and both jobs: everything a submission writes."""
    return (
        facts["status"] == ClaimStatus.SUBMITTED
        and facts["submitted_at"] is not None
        and facts["events"]
        == ["claim.created", "claim.transition", "letter.requested", "notification.queued"]
        and facts["letters"] == [LetterKind.RECEIPT]
        and len(facts["jobs"]) == 2  # the receipt letter and the e-mail
    )


def _error_code(answer: Answer) -> str | None:
    """The `code` of the error envelope, None when the body is not one."""
    body = answer.body
    return body.get("error", {}).get("code") if isinstance(body, dict) else None


def _assert_whole_or_nothing(answers: list[Answer], unasked: list[int]) -> None:
    for answer in answers:
        facts = _claim_facts(answer.claim_id)
        if answer.status == 200:
            assert answer.body["status"] == "submitted", answer
            assert _submitted_whole(facts), (answer, facts)
        elif _error_code(answer) == "service_unavailable":
            assert facts == UNTOUCHED, (answer, facts)
        else:  # outcome_unknown: the connection died during COMMIT; all of it or none
            assert _submitted_whole(facts) or facts == UNTOUCHED, (answer, facts)
    drafts = db.session.scalar(
        select(func.count()).where(Claim.id.in_(unasked), Claim.status == ClaimStatus.DRAFT)
    )
    assert drafts == len(unasked)


def test_restart_during_submissions_stores_each_whole_or_answers_503(
    restart_app, served, private_postgres
):
    token, claim_ids = _draft_claims(restart_app)

    with Burst(served, token, claim_ids) as burst:
        burst.wait_for_successes(SUCCESSES_AROUND_RESTART, 0.0, 20)
        private_postgres.restart("immediate")  # every backend killed, then crash recovery
        restarted = time.monotonic()
        # Successes sent after the restart show the app recovered on its own (pool pre-ping).
        burst.wait_for_successes(SUCCESSES_AROUND_RESTART, restarted, 30)
    answers = list(burst.answers)

    unexpected = [a for a in answers if a.status not in (200, 503)]
    assert not unexpected, unexpected
    codes = {_error_code(a) for a in answers if a.status == 503}
    assert codes <= {"service_unavailable", "outcome_unknown"}, codes
    assert "service_unavailable" in codes, "the restart made no request fail: the burst missed it"

    with urllib.request.urlopen(f"{served}/healthz", timeout=10) as health:
        assert health.status == 200
    asked = {a.claim_id for a in answers}
    assert len(asked) == len(answers)
    with restart_app.app_context():
        _assert_whole_or_nothing(answers, [i for i in claim_ids if i not in asked])
        report = audit.verify()
        assert report.intact, report.problems
        assert report.checked == db.session.scalar(select(func.count(AuditEvent.id)))
