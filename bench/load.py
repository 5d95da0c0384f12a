"""Load benchmark: a real gunicorn under concurrent API requests, next to a bare Flask INSERT.

Creates its own PostgreSQL database (migrated), the demo users, N seeded claims for the officer's
queue and F farmers with a parcel each; starts the product as an operator does (production
settings, set before Python starts: `gunicorn -w W wsgi:app` on a free loopback port and `flask
worker`, which seals the audit chain; Redis database 14, flushed) and, with the same gunicorn
settings on another port, a bare Flask
app defined here (not part of the product) whose one endpoint does one INSERT into a tiny table
through Flask-SQLAlchemy. A thread pool of http.client connections, bounded in requests and
seconds, then drives six scenarios in one run, interleaved in rounds so that other load on the
machine hits each alike:

  - the INSERT baseline: the bare app's one INSERT,
  - farmers creating draft claims (POST /api/v1/claims, a fresh Idempotency-Key each),
  - the SELECT baseline: the bare app reading 50 rows of the claims table and answering JSON,
  - an officer reading the first page of the work queue (GET /api/v1/queue),
  - and each one's floor: the bare app sending as many statements as the product's request
    needs and doing nothing else (7 INSERTs in one transaction; a look-up by key, as the token
    check is, then the 50 rows). A floor's ratio to its baseline is the most the product's
    ratio could be with that many statements on this stack; "× floor" is how near it is.

Each prints requests, errors, requests/s, p50 and p99 latency, p99/p50 and its requests/s as a
ratio of its bare counterpart's (submit against the INSERT, the queue against the SELECT), and
the SQL statements one request of each kind sends (counted in-process before the load); then
the CPU one request cost each group of processes (read from /proc: the product's gunicorn, the
bare one, the sealing `flask worker`, PostgreSQL, the client). Every
non-2xx answer counts as an error and makes the exit status 1. Stops both servers and drops the
database (unless --keep). Bearer tokens come from POST /api/v1/auth/token, which is limited to
10 per minute per address: at most 9 farmers plus the officer.

    python bench/load.py [--requests 400] [--rounds 2] [--full] [--json] [--concurrency 8]
                         [--workers 4] [--farmers 4] [--queue-claims 2000] [--seconds 30] [--keep]

--full is the issue's size (800 requests per scenario in 4 rounds); --json makes the last line
of stdout {"rows": [...]}, one row per figure.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import create_engine, text
from sqlalchemy import insert as sql_insert
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.procfs import proc_stat  # noqa: E402
from bench.soak import environment as soak_environment  # noqa: E402

ADMIN_URL = "postgresql+psycopg://faunaschade:faunaschade@127.0.0.1:5432/postgres"
DATABASE = "faunaschade_load"
DATABASE_URL = ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
REDIS_URL = "redis://127.0.0.1:6379/14"
PASSWORD = "load-wachtwoord-2026"
OFFICER = "behandelaar-a@demo.faunaschade.nl"  # FR, NH, DR (flask demo seed)


# --- the baseline: a bare Flask app, one INSERT through Flask-SQLAlchemy ----------------------


class BaselineBase(DeclarativeBase):
    """Declarative base of the baseline's one table."""


baseline_db = SQLAlchemy(model_class=BaselineBase)


class Hit(baseline_db.Model):
    """One row per baseline request."""

    __tablename__ = "load_baseline"

    id: Mapped[int] = mapped_column(primary_key=True)  #: Serial id.
    note: Mapped[str]  #: What the client sent.


def baseline_app() -> Flask:
    """The bare app gunicorn serves as `bench.load:baseline_app()`."""
    app = Flask("baseline")
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    # The product's engine options, so the pool behaves alike (a pre-ping per checkout).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    baseline_db.init_app(app)

    @app.post("/insert")
    def insert():
        hit = Hit(note=str(request.get_json()["note"]))
        baseline_db.session.add(hit)
        baseline_db.session.flush()  # INSERT … RETURNING id; no reload after the commit
        hit_id = hit.id
        baseline_db.session.commit()
        return jsonify({"id": hit_id}), 201

    @app.get("/select")
    def select_rows():
        # The queue's bare counterpart: 50 rows of the product's claims table, as JSON.
        rows = baseline_db.session.execute(
            text(
                "SELECT id, reference, status, province, crop, backstop_deadline FROM claims "
                "ORDER BY id LIMIT 50"
            )
        ).all()
        baseline_db.session.rollback()
        return jsonify([{**row._mapping, "backstop_deadline": str(row[5])} for row in rows])

    # The floors: the statements the product's request needs, sent bare (nothing else).
    @app.post("/insert7")
    def insert_seven():
        note = str(request.get_json()["note"])
        for _ in range(FLOOR_STATEMENTS):
            baseline_db.session.execute(sql_insert(Hit).values(note=note))
        baseline_db.session.commit()
        return jsonify({"ok": True}), 201

    @app.get("/select2")
    def select_two():
        # A look-up by key, as the token check is, then the same 50 rows as /select.
        baseline_db.session.execute(
            text("SELECT id, role FROM users WHERE id = :id"), {"id": 1}
        ).first()
        return select_rows()

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    return app


# --- database and users -----------------------------------------------------------------------


def _admin(statement: str) -> None:
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


def prepare(farmers: int, queue_claims: int) -> list[int]:
    """Migrate, seed the demo users and claims, register farmers; each farmer's parcel id."""
    from decimal import Decimal

    from flask_migrate import upgrade

    from faunaschade import create_app
    from faunaschade.cli.demo import DEMO_PASSWORD, seed_users
    from faunaschade.extensions import db
    from faunaschade.farmers.operations import add_parcel, register_farmer
    from faunaschade.models import refresh_next_due
    from faunaschade.seed import seed_claims
    from tests.support.farmers import parcel_body, registration

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": DATABASE_URL, "REDIS_URL": None})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed_users()
        report = seed_claims(queue_claims, password=DEMO_PASSWORD)
        refresh_next_due(db.session)  # the seed loads in bulk, past the ORM's flush hook
        parcels = []
        for n in range(farmers):
            profile = register_farmer(registration(email=f"boer{n}@load.nl", password=PASSWORD))
            parcels.append(add_parcel(profile, parcel_body(area_ha=Decimal("4.2")), profile.user))
        db.session.commit()
        # The planner's statistics, as autovacuum keeps them on a live database (without them
        # the first plans are made for empty tables, whatever the load finds).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        parcel_ids = [parcel.id for parcel in parcels]
        db.session.remove()
    app.config["AUDIT_SEALER"] = "worker"  # as in production: no sealing in the request
    counts = statement_counts(app, parcel_ids[0])  # each request in an app context of its own
    with app.app_context():
        db.engine.dispose()
    print(f"seeded {report.claims:,} claims for the queue, {farmers} farmers with a parcel")
    return parcel_ids, counts


def statement_counts(app, parcel_id: int) -> dict[str, int]:
    """SQL statements of one POST /api/v1/claims and one GET /api/v1/queue, in-process.

    Counted with a before_cursor_execute listener on the app's engine (the pool's pre-ping,
    BEGIN and COMMIT are not statements of the cursor and come on top), on the second request
    of each kind: what a warm process sends (its first submission also reads who subscribes to
    events, which it then keeps). The claims it creates stay, two drafts more for farmer 0.
    """
    from sqlalchemy import event, select

    from faunaschade.accounts.users import issue_token
    from faunaschade.extensions import db
    from faunaschade.models import TokenKind, User
    from tests.support.farmers import claim_body

    with app.app_context():
        tokens = {}
        for email in ("boer0@load.nl", OFFICER):
            user = db.session.scalar(select(User).where(User.email == email))
            tokens[email] = issue_token(user, TokenKind.API, hours=1)
        db.session.commit()
        engine = db.engine
    client = app.test_client()
    requests = {
        "POST /api/v1/claims": lambda: client.post(
            "/api/v1/claims",
            json=claim_body(parcel_id),
            headers={
                "Authorization": f"Bearer {tokens['boer0@load.nl']}",
                "Idempotency-Key": str(uuid.uuid4()),
            },
        ),
        "GET /api/v1/queue": lambda: client.get(
            "/api/v1/queue", headers={"Authorization": f"Bearer {tokens[OFFICER]}"}
        ),
    }
    counts = {}
    for name, send in requests.items():
        sent: list[str] = []

        def seen(_conn, _cursor, statement, *_rest, sent=sent) -> None:
            sent.append(statement)

        send()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            answer = send()
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        if not 200 <= answer.status_code < 300:
            raise RuntimeError(f"{name}: {answer.status_code} {answer.data[:300]!r}")
        counts[name] = len(sent)
    return counts


def create_baseline_table() -> None:
    """The baseline's table, next to the product's in the same database."""
    os.environ["DATABASE_URL"] = DATABASE_URL
    app = baseline_app()
    with app.app_context():
        baseline_db.create_all()
        baseline_db.engine.dispose()


def flush_redis() -> None:
    """Empty Redis database 14 (rate limits and rq queues of this run)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()


# --- gunicorn ---------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (at this moment)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A gunicorn master we started, its port and its log."""

    name: str
    process: subprocess.Popen
    port: int
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def problems(self) -> list[str]:
        """Log lines that name an error, a traceback or a worker timeout."""
        words = ("Traceback", " ERROR ", "[ERROR]", "WORKER TIMEOUT", "[CRITICAL]")
        return [line for line in self.log.read_text().splitlines() if any(w in line for w in words)]


def production_environment(logdir: Path) -> dict[str, str]:
    """The product's environment as an operator starts it (FAUNASCHADE_ENV=production, set before
    Python starts; bench/soak.py's, with its own signing certificate), on this bench's database
    and Redis database. Production seals the audit chain in `flask worker`, not in the request."""
    return soak_environment(DATABASE_URL, REDIS_URL, free_port(), logdir)


def start(name: str, app: str, workers: int, logdir: Path, env: dict[str, str]) -> Server:
    """Start gunicorn on 127.0.0.1 and wait until /healthz answers 200."""
    port = free_port()
    log = logdir / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["--chdir", str(ROOT), app]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name}: gunicorn exited\n{log.read_text()[-3000:]}")
        try:
            if call(port, "GET", "/healthz").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name}: /healthz did not answer 200 within 60 s")


def start_servers(
    workers: int, logdir: Path, servers: list[Server], env: dict[str, str]
) -> tuple[Server, Server]:
    """The product (production settings) and the bare app, each under gunicorn -w `workers`;
    each is added to `servers` as soon as it runs, so that it is stopped whatever follows."""
    app = start("faunaschade", "wsgi:app", workers, logdir, env)
    servers.append(app)
    bare = {**os.environ, "DATABASE_URL": DATABASE_URL}
    servers.append(start("baseline", "bench.load:baseline_app()", workers, logdir, bare))
    return app, servers[-1]


def stop_all(worker: subprocess.Popen | None, servers: list[Server]) -> None:
    """Stop the worker and the servers; print what their logs say went wrong."""
    if worker is not None:
        worker.send_signal(signal.SIGTERM)
        worker.wait(60)
    for server in reversed(servers):
        server.stop()
        for line in server.problems()[:20]:
            print(f"  {server.name} log: {line}")


def start_worker(env: dict[str, str], logdir: Path) -> subprocess.Popen:
    """`flask worker` as production runs it beside gunicorn (it seals the audit chain)."""
    out = (logdir / "worker.log").open("wb")
    command = [str(Path(sys.executable).parent / "flask"), "worker"]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def wait_for_worker(worker: subprocess.Popen, logdir: Path, seconds: float = 120) -> None:
    """Wait until `flask worker` has warmed up (it renders and signs a sample letter first:
    seconds of CPU that would otherwise be counted against the first scenarios)."""
    log = logdir / "worker.log"
    deadline = time.monotonic() + seconds
    while "worker starting" not in log.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"flask worker did not start\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


# --- the client -------------------------------------------------------------------------------


@dataclass
class Answer:
    """One response: status (0 when the connection failed), seconds and a body for errors."""

    status: int
    seconds: float
    body: bytes = b""


def call(
    port: int, method: str, path: str, body: dict | None = None, headers: dict | None = None
) -> Answer:
    """One HTTP request on a fresh connection (gunicorn's sync workers close after each)."""
    payload = json.dumps(body).encode() if body is not None else None
    headers = {**(headers or {}), **({"Content-Type": "application/json"} if payload else {})}
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    return Answer(response.status, time.perf_counter() - start, data)


@dataclass
class Result:
    """What one scenario measured."""

    name: str
    answers: list[Answer] = field(default_factory=list)
    seconds: float = 0.0
    timed_out: bool = False
    cpu: Counter = field(default_factory=Counter)  #: CPU seconds per process group (cpu_split)

    def add(self, part: Result) -> None:
        """Count another round of the same scenario."""
        self.answers += part.answers
        self.seconds += part.seconds
        self.timed_out |= part.timed_out
        self.cpu += part.cpu

    @property
    def errors(self) -> list[Answer]:
        return [a for a in self.answers if not 200 <= a.status < 300]

    @property
    def rps(self) -> float:
        return len(self.answers) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency in ms at percentile p (nearest rank)."""
        ordered = sorted(a.seconds for a in self.answers)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


def drive(name: str, send: Callable[[int], Answer], requests: int, threads: int, seconds: float):
    """Send up to `requests` requests from `threads` threads, stopping after `seconds`."""
    tickets = itertools.count()
    lock = threading.Lock()
    result = Result(name)
    deadline = time.monotonic() + seconds

    def worker() -> None:
        while True:
            with lock:
                ticket = next(tickets)
            if ticket >= requests:
                return
            if time.monotonic() > deadline:
                result.timed_out = True
                return
            try:
                answer = send(ticket)
            except OSError as exc:
                answer = Answer(0, 0.0, repr(exc).encode())
            with lock:
                result.answers.append(answer)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    start = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    result.seconds = time.perf_counter() - start
    return result


def cpu_split(groups: dict[str, int]) -> Counter:
    """CPU seconds (user + system) used so far by each group of processes: a process started
    here (gunicorn's master, `flask worker`) with its children, every PostgreSQL process of the
    machine, and this client. Read from /proc (Linux); empty elsewhere."""
    used: Counter = Counter()
    if not os.path.isdir("/proc/self"):
        return used
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or (stat := proc_stat(entry.name)) is None:
            continue  # not a process, or ended meanwhile
        for name, root in groups.items():
            if root in (int(entry.name), stat.parent):
                used[name] += stat.cpu_seconds
        if stat.command.startswith("postgres"):
            used["PostgreSQL"] += stat.cpu_seconds
    own = os.times()
    used["client"] = own.user + own.system
    return used


def measured(
    name: str, send: Callable[[int], Answer], requests: int, threads: int, seconds: float,
    groups: dict[str, int],
) -> Result:  # fmt: skip
    """`drive`, with the CPU each group of processes used meanwhile."""
    before = cpu_split(groups)
    result = drive(name, send, requests, threads, seconds)
    result.cpu = cpu_split(groups)
    result.cpu.subtract(before)
    return result


def token(port: int, email: str, password: str) -> str:
    """A bearer token from POST /api/v1/auth/token."""
    answer = call(port, "POST", "/api/v1/auth/token", {"email": email, "password": password})
    if answer.status != 201:
        raise RuntimeError(f"token for {email}: {answer.status} {answer.body[:300]!r}")
    return json.loads(answer.body)["token"]


def scenarios(
    app_port: int, base_port: int, parcel_ids: list[int]
) -> dict[str, Callable[[int], Answer]]:
    """Name → a function sending request number n."""
    from faunaschade.cli.demo import DEMO_PASSWORD
    from tests.support.farmers import claim_body

    farmers = len(parcel_ids)
    farmer_tokens = [token(app_port, f"boer{n}@load.nl", PASSWORD) for n in range(farmers)]
    officer = {"Authorization": f"Bearer {token(app_port, OFFICER, DEMO_PASSWORD)}"}

    def baseline(n: int) -> Answer:
        return call(base_port, "POST", "/insert", {"note": f"request {n}"})

    def baseline_select(_n: int) -> Answer:
        return call(base_port, "GET", "/select")

    def create_claim(n: int) -> Answer:
        i = n % farmers
        headers = {
            "Authorization": f"Bearer {farmer_tokens[i]}",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        return call(app_port, "POST", "/api/v1/claims", claim_body(parcel_ids[i]), headers)

    def floor_insert(n: int) -> Answer:
        return call(base_port, "POST", "/insert7", {"note": f"request {n}"})

    def floor_select(_n: int) -> Answer:
        return call(base_port, "GET", "/select2")

    def read_queue(_n: int) -> Answer:
        return call(app_port, "GET", "/api/v1/queue", headers=officer)

    first = read_queue(0)
    if first.status != 200:
        raise RuntimeError(f"queue: {first.status} {first.body[:300]!r}")
    print(f"the officer's queue holds {json.loads(first.body)['total']} open claims")

    return {
        INSERT_BASELINE: baseline,
        SUBMIT: create_claim,
        INSERT_FLOOR: floor_insert,
        SELECT_BASELINE: baseline_select,
        QUEUE: read_queue,
        SELECT_FLOOR: floor_select,
    }


INSERT_BASELINE = "bare Flask INSERT (baseline)"
SUBMIT = "farmers: POST /api/v1/claims (draft)"
SELECT_BASELINE = "bare Flask SELECT 50 rows (baseline)"
QUEUE = "officer: GET /api/v1/queue (50 rows)"
#: The product request's statement count, sent bare: what Flask, SQLAlchemy and PostgreSQL
#: cost for them with none of the product's work around them (a floor, not a goal).
FLOOR_STATEMENTS = 7
INSERT_FLOOR = f"floor: {FLOOR_STATEMENTS} bare INSERTs, 1 commit"
SELECT_FLOOR = "floor: bare key look-up + 50 rows"
#: Each scenario's bare counterpart, and the issue's goal for it.
BASELINE_OF = {SUBMIT: INSERT_BASELINE, QUEUE: SELECT_BASELINE}
#: Each scenario's floor: the same statements bare, and the floor's own baseline.
FLOOR_OF = {SUBMIT: INSERT_FLOOR, QUEUE: SELECT_FLOOR}
BASELINE_OF_FLOOR = {INSERT_FLOOR: INSERT_BASELINE, SELECT_FLOOR: SELECT_BASELINE}
#: The statements each floor sends (the product's are counted in-process: statement_counts).
FLOOR_COUNTS = {INSERT_FLOOR: FLOOR_STATEMENTS, SELECT_FLOOR: 2}
GOALS = {
    SUBMIT: ">= 0.5x the bare INSERT",
    QUEUE: ">= 0.5x the bare SELECT, p99 <= 2x p50",
}
COUNTED = {SUBMIT: "POST /api/v1/claims", QUEUE: "GET /api/v1/queue"}


# --- the run ----------------------------------------------------------------------------------


def report(results: list[Result], args: argparse.Namespace, counts: dict[str, int]) -> int:
    """Print the table, the statement counts and the errors; the number of errors."""
    by_name = {r.name: r for r in results}
    print(
        f"\n{args.workers} gunicorn sync workers, {args.concurrency} client threads, "
        f"up to {args.requests} requests or {args.seconds:.0f} s per scenario "
        f"in {args.rounds} interleaved rounds "
        f"({os.cpu_count()} cores shared by client, servers and PostgreSQL; "
        f"load average before the run {args.load_before:.1f}):"
    )
    print(f"  {'scenario':<38} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'p99/p50':>7} {'× bare':>7} {'× floor':>7} "
          f"{'statements':>10}")  # fmt: skip
    baseline_of = {**BASELINE_OF, **BASELINE_OF_FLOOR}
    for r in results:
        base = by_name.get(baseline_of.get(r.name, ""))
        ratio = f"{r.rps / base.rps:>7.2f}" if base and base.rps else f"{'':>7}"
        floor = by_name.get(FLOOR_OF.get(r.name, ""))
        of_floor = f"{r.rps / floor.rps:>7.2f}" if floor and floor.rps else f"{'':>7}"
        statements = counts.get(COUNTED.get(r.name, ""), FLOOR_COUNTS.get(r.name, ""))
        print(
            f"  {r.name:<38} {len(r.answers):>8} {len(r.errors):>6} {r.rps:>8.1f} "
            f"{r.percentile(50):>7.1f} {r.percentile(99):>7.1f} "
            f"{r.percentile(99) / r.percentile(50):>7.2f} {ratio} {of_floor} {statements:>10}"
            + ("  (stopped at the time limit)" if r.timed_out else "")
        )
    print(
        "  statements per request (in-process, before the load; pre-ping, BEGIN and COMMIT "
        "come on top): " + ", ".join(f"{name} {n}" for name, n in counts.items())
    )
    groups = [g for g in ("product", "bare", "flask worker", "PostgreSQL", "client")
              if any(r.cpu.get(g) for r in results)]  # fmt: skip
    if groups:
        print("\n  CPU per request, ms (from /proc: each server's gunicorn master and workers, the "
              "sealing `flask worker`, every PostgreSQL process, this client):")  # fmt: skip
        print(f"  {'scenario':<38} " + " ".join(f"{g:>12}" for g in groups) + f" {'all':>8}")
        for r in results:
            per = {g: r.cpu.get(g, 0.0) * 1000 / max(len(r.answers), 1) for g in groups}
            print(f"  {r.name:<38} " + " ".join(f"{per[g]:>12.2f}" for g in groups)
                  + f" {sum(per.values()):>8.2f}")  # fmt: skip
    total = 0
    for r in results:
        total += len(r.errors)
        for (status, body), count in Counter((a.status, a.body[:200]) for a in r.errors).items():
            print(f"  ERROR {r.name}: {count}× {status} {body!r}")
    return total


def json_rows(results: list[Result], counts: dict[str, int]) -> list[dict]:
    """The figures as rows of the common --json shape."""
    by_name = {r.name: r for r in results}
    rows: list[dict] = []
    for name, base_name in BASELINE_OF.items():
        r, base = by_name[name], by_name[base_name]
        rows.append(
            {
                "figure": f"{name}: requests/s",
                "value": round(r.rps, 1),
                "unit": "requests/s",
                "baseline": round(base.rps, 1),
                "baseline_label": base_name,
                "ratio": round(r.rps / base.rps, 3) if base.rps else None,
                "goal": GOALS[name],
            }
        )
        rows.append(
            {
                "figure": f"{name}: p99 latency",
                "value": round(r.percentile(99), 1),
                "unit": "ms",
                "baseline": round(r.percentile(50), 1),
                "baseline_label": f"{name}: p50 latency",
                "ratio": round(r.percentile(99) / r.percentile(50), 2),
                "goal": "p99 <= 2x p50" if name == QUEUE else "",
            }
        )
        floor = by_name[FLOOR_OF[name]]
        rows.append(
            {
                "figure": f"the same statements bare (floor): requests/s against {base_name}",
                "value": round(floor.rps, 1),
                "unit": "requests/s",
                "baseline": round(base.rps, 1),
                "baseline_label": base_name,
                "ratio": round(floor.rps / base.rps, 3) if base.rps else None,
                "goal": "(the most the goal's ratio can be with these statements)",
            }
        )
        rows.append(
            {
                "figure": f"{COUNTED[name]}: SQL statements per request",
                "value": counts[COUNTED[name]],
                "unit": "statements",
                "baseline": None,
                "baseline_label": "",
                "ratio": None,
                "goal": "fewer (issue: 17 for submit, 10 for the queue before)",
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="per scenario")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per server")
    parser.add_argument("--farmers", type=int, default=4, choices=range(1, 10))
    parser.add_argument("--queue-claims", type=int, default=2000, help="seeded claims")
    parser.add_argument("--seconds", type=float, default=30, help="time limit per scenario")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--full", action="store_true", help="the issue's size: 800 requests in 4 rounds"
    )
    parser.add_argument("--json", action="store_true", help="last line: the figures as JSON")
    args = parser.parse_args()
    if args.full:
        args.requests, args.rounds = 800, 4
    if not 1 <= args.rounds <= args.requests:
        parser.error("--rounds must be between 1 and --requests")
    args.load_before = os.getloadavg()[0]

    started = time.perf_counter()
    _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DATABASE}"')
    servers: list[Server] = []
    worker = None
    logdir = Path(tempfile.mkdtemp(prefix="faunaschade-load-"))
    errors = 0
    rows: list[dict] = []
    try:
        parcel_ids, counts = prepare(args.farmers, args.queue_claims)
        create_baseline_table()
        flush_redis()
        env = production_environment(logdir)
        worker = start_worker(env, logdir)
        app, base = start_servers(args.workers, logdir, servers, env)
        wait_for_worker(worker, logdir)
        print(f"ready in {time.perf_counter() - started:.0f} s")
        sends = scenarios(app.port, base.port, parcel_ids)
        # Warm every worker up (imports, pool connections) before timing.
        warmups = [drive(n, f, 4 * args.workers, args.concurrency, 30) for n, f in sends.items()]
        results = {name: Result(name) for name in sends}
        # Rounds interleave the scenarios, so a neighbour's load on the machine hits all alike.
        groups = {"product": app.process.pid, "bare": base.process.pid, "flask worker": worker.pid}
        for _ in range(args.rounds):
            for name, send in sends.items():
                part = measured(name, send, args.requests // args.rounds, args.concurrency,
                                args.seconds / args.rounds, groups)  # fmt: skip
                results[name].add(part)
        errors = report(list(results.values()), args, counts)
        rows = json_rows(list(results.values()), counts)
        for warm in warmups:
            if warm.errors:
                errors += len(warm.errors)
                print(f"  ERROR during warm-up of {warm.name}: {len(warm.errors)}")
    finally:
        stop_all(worker, servers)
        flush_redis()
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    if errors:
        print(f"\n{errors} errors; server logs in {logdir}")
    else:
        shutil.rmtree(logdir)
        print(f"\n0 errors, {time.perf_counter() - started:.0f} s in all")
    if args.json:
        print(json.dumps({"rows": rows}))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
