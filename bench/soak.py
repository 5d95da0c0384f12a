"""Soak: mixed load on a production-like deployment, with the worker killed and Redis stopped.

    .venv/bin/python bench/soak.py [--minutes 10] [--farmers 3]

Starts, on loopback only: its own PostgreSQL database (faunaschade_soak, via the `faunaschade`
role that `make test` creates), its own redis-server, an SMTP sink, `gunicorn -w 3 wsgi:app`
and `flask worker`, all with FAUNASCHADE_ENV=production and the environment set before Python
starts. Then, for the given minutes, client threads act as users do:

- farmers (each registered through the API): parcel, claim (with an Idempotency-Key, retried
  with the same key after a 503), photo, submit, leges payment confirmed twice at once;
- officer A proposes a rejection for submitted claims; officer B approves (one in five he
  sends back) — both read the same queue, so they meet on the same claims;
- a hostile client sends bad input (deep JSON, NaN, huge numbers and geometries);
- a reader fetches /healthz, claims and letter PDFs.

At a third of the time the whole worker is SIGKILLed (master and work-horse) and a new one is
started 5 s later; at two thirds Redis is stopped for 20 s and started again empty (it keeps
nothing on disk). Afterwards it waits for the jobs to drain and prints: requests by kind and
status, answers 500 (goal 0; 503 is honest while a dependency is down), claims acknowledged
but missing or stored twice, decisions and claims without exactly one ready letter, jobs not
finished, and the exit of `flask audit verify`.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests
from aiosmtpd.controller import Controller
from PIL import Image
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from faunaschade import clock  # noqa: E402
from faunaschade.documents.signing import development_certificate  # noqa: E402
from faunaschade.provinces import PROVINCE_CODES  # noqa: E402
from faunaschade.rules import add_working_days  # noqa: E402

ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL",
    "postgresql+psycopg://faunaschade:faunaschade@127.0.0.1:5432/postgres",
)
DATABASE = "faunaschade_soak"
PASSWORD = "lange-wachtwoord-2026"
DEMO_PASSWORD = "demo-wachtwoord-2026"
#: Seconds a farmer waits between claims: keeps the letter work within one worker's reach.
PACE_SECONDS = 8
ACCOUNT = {"name": "Provincie", "iban": "NL91ABNA0417164300", "bic": "ABNANL2A"}
#: Every province's objection address and signatory, as production requires.
LETTER_PROVINCES = {
    code: {
        "objection_address": {"postal_address": "Postbus 1", "postal_city": "1000 AA Plaats"},
        "signatory": {"name": "A. Ondertekenaar", "function": "teamleider"},
    }
    for code in PROVINCE_CODES
}


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (at this moment)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the deployment ---------------------------------------------------------------------------


class Sink:
    """An SMTP server that accepts and counts every message."""

    def __init__(self) -> None:
        self.count = 0
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 OK"


class Child:
    """A long-running process of ours, its log in a file; killable with everything below it."""

    def __init__(self, name: str, command: list[str], env: dict, logdir: Path) -> None:
        self.name, self.command, self.env = name, command, env
        self.log = logdir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )

    def _tree(self) -> list[int]:
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                children = [int(c) for c in task.read_text().split()]
                found += children
                todo += children
        return found

    def kill(self) -> None:
        for pid in [self.process.pid, *self._tree()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()


def environment(database_url: str, redis_url: str, smtp_port: int, workdir: Path) -> dict[str, str]:
    # Production refuses to start without a signing certificate: a self-signed one of the soak's
    # own (made as `make run` makes the development one), in its working directory.
    cert, key = development_certificate(workdir / "signing")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "TEST_"))},
        "FLASK_APP": "wsgi",
        "FAUNASCHADE_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOW_TEST_PAYMENTS": "true",
        "LETTER_SENDER_JSON": json.dumps({"name": "Provincie (soak)", "email": "s@example.nl"}),
        "PROVINCE_ACCOUNTS_JSON": json.dumps({code: ACCOUNT for code in PROVINCE_CODES}),
        "LETTER_PROVINCES_JSON": json.dumps(LETTER_PROVINCES),
        "LETTER_SIGNING_CERT": str(cert),
        "LETTER_SIGNING_KEY": str(key),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        # All clients share one loopback address: lift the per-address limits, keep the rest.
        "RATELIMIT_LOGIN": "10000 per minute",
        "RATELIMIT_REGISTER": "10000 per hour",
    }


def flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "flask"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )


class Redis:
    """A private redis-server that keeps nothing on disk, as the machine's does."""

    def __init__(self, directory: str) -> None:
        self.port, self.directory, self.process = free_port(), directory, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", self.directory]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        time.sleep(0.5)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


# --- the clients ------------------------------------------------------------------------------


class Tally:
    """Every answer by (kind, status); the bodies of the 500s."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: collections.Counter = collections.Counter()
        self.errors: list[str] = []
        self.acknowledged: dict[int, str] = {}  # claim id → the Idempotency-Key that made it
        self.mails = 0

    def call(self, kind: str, method: str, url: str, **kwargs) -> requests.Response | None:
        try:
            answer = requests.request(method, url, timeout=60, **kwargs)
        except requests.RequestException as exc:
            with self.lock:
                self.counts[(kind, "no answer")] += 1
                self.errors.append(f"{kind}: {type(exc).__name__}: {exc}"[:300])
            return None
        with self.lock:
            self.counts[(kind, answer.status_code)] += 1
            if answer.status_code >= 500 and answer.status_code != 503:
                self.errors.append(f"{kind} {answer.status_code}: {answer.text[:300]}")
        return answer


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def _discovered_on() -> str:
    day = clock.today() - timedelta(days=1)
    while add_working_days(day, 7) < clock.today():
        day += timedelta(days=1)
    return day.isoformat()


def _token(tally: Tally, base: str, email: str, password: str) -> str:
    while True:
        answer = tally.call(
            "login",
            "POST",
            f"{base}/api/v1/auth/token",
            json={"email": email, "password": password},
        )
        if answer is not None and answer.status_code == 201:
            return answer.json()["token"]
        time.sleep(1)


def farmer(tally: Tally, base: str, n: int, stop: threading.Event) -> None:
    email = f"boer{n}-{uuid.uuid4().hex[:6]}@soak.example.nl"
    body = {
        "email": email,
        "password": PASSWORD,
        "name": f"Boer {n}",
        "kvk": f"{10000000 + n}",
        "iban": "NL91 ABNA 0417 1643 00",
        "address": "Dijkweg 12",
        "postcode": "8501 AB",
        "city": "Joure",
    }
    while tally.call("register", "POST", f"{base}/api/v1/register", json=body) is None:
        time.sleep(1)
    auth = {"Authorization": f"Bearer {_token(tally, base, email, PASSWORD)}"}
    photo = _jpeg()
    while not stop.is_set():
        parcel = tally.call(
            "parcel",
            "POST",
            f"{base}/api/v1/parcels",
            headers=auth,
            json={
                "name": "Achter de schuur",
                "area_ha": "4.2",
                "crop": "blijvend_grasland",
                "tenure": "own",
            },
        )
        if parcel is None or parcel.status_code != 201:
            time.sleep(1)
            continue
        key = uuid.uuid4().hex
        claim_body = {
            "province": "FR",
            "crop": "blijvend_grasland",
            "discovered_on": _discovered_on(),
            "species": ["grauwe_gans"],
            "preventive_measures": ["acoustic", "visual"],
            "parcels": [
                {"parcel_id": parcel.json()["id"], "damaged_area_ha": "2.5", "area_type": "regular"}
            ],
            "description": "Ganzen op het land.",
        }
        claim = None
        for _ in range(5):  # a 503 or a lost answer: the same key again, never a second claim
            claim = tally.call(
                "claim",
                "POST",
                f"{base}/api/v1/claims",
                json=claim_body,
                headers={**auth, "Idempotency-Key": key},
            )
            if claim is not None and claim.status_code not in (503, 409):
                break
            time.sleep(2)
        if claim is None or claim.status_code != 201:
            continue
        claim_id = claim.json()["id"]
        with tally.lock:
            tally.acknowledged[claim_id] = key
        url = f"{base}/api/v1/claims/{claim_id}"
        tally.call(
            "photo",
            "POST",
            f"{url}/attachments",
            headers=auth,
            files={"file": ("gans.jpg", photo, "image/jpeg")},
        )
        submitted = tally.call("submit", "POST", f"{url}/submit", headers=auth, json={})
        if submitted is None or submitted.status_code != 200:
            continue
        payment = tally.call("payment", "POST", f"{url}/payment", headers=auth)
        if payment is None or payment.status_code != 201:
            continue
        confirm = f"{base}/api/v1/payments/{payment.json()['payment_id']}/test-confirm"
        both = [
            threading.Thread(
                target=tally.call,
                args=("confirm", "POST", confirm),
                kwargs={"headers": auth, "json": {"status": "paid"}},
            )
            for _ in range(2)
        ]
        for thread in both:
            thread.start()
        for thread in both:
            thread.join()
        tally.call("read", "GET", f"{url}/letters", headers=auth)
        stop.wait(PACE_SECONDS)  # a farmer files a claim now and then, not in a tight loop


def officer(tally: Tally, base: str, role: str, stop: threading.Event) -> None:
    auth = _demo_auth(tally, base, f"behandelaar-{role}")
    status = "submitted" if role == "a" else "proposed"
    while not stop.is_set():
        page = tally.call(
            "queue",
            "GET",
            f"{base}/api/v1/queue",
            params={"status": status, "per_page": 20},
            headers=auth,
        )
        rows = page.json().get("rows", []) if page is not None and page.ok else []
        if not rows:
            time.sleep(0.5)
        for row in rows[:5]:
            url = f"{base}/api/v1/claims/{row['id']}"
            if role == "a":
                tally.call(
                    "propose",
                    "POST",
                    f"{url}/proposal",
                    headers=auth,
                    json={
                        "reject": True,
                        "reasons": ["insufficient_prevention"],
                        "motivation": "Geen maatregelen gezien.",
                    },
                )
            elif random.random() < 0.2:
                tally.call(
                    "send back",
                    "POST",
                    f"{url}/send-back",
                    headers=auth,
                    json={"reason": "Opnieuw bekijken."},
                )
            else:
                tally.call("approve", "POST", f"{url}/approve", headers=auth, json={})


HOSTILE = [
    ("POST", "/api/v1/auth/token", "[" * 1000 + "]" * 1000),
    ("POST", "/api/v1/register", json.dumps({"email": "x" * 100_000, "password": 1e309})),
    ("POST", "/api/v1/register", '{"email": NaN, "password": Infinity}'),
    ("POST", "/api/v1/parcels", json.dumps({"name": "x", "area_ha": "1e400", "crop": "x"})),
    (
        "POST",
        "/api/v1/parcels",
        json.dumps(
            {
                "name": "x",
                "area_ha": "1",
                "crop": "blijvend_grasland",
                "tenure": "own",
                "geometry": {"type": "Polygon", "coordinates": [[[5, 52]] * 200_000]},
            }
        ),
    ),
    ("POST", "/api/v1/claims", json.dumps({"discovered_at": "0001-01-01T00:00:00+14:00"})),
    ("GET", "/api/v1/audit-events?from=0001-01-01&to=9999-12-31", None),
]


def hostile(tally: Tally, base: str, stop: threading.Event) -> None:
    auth = _demo_auth(tally, base, "boer")
    while not stop.is_set():
        method, path, body = random.choice(HOSTILE)
        tally.call(
            "hostile",
            method,
            f"{base}{path}",
            data=body,
            headers={**auth, "Content-Type": "application/json"},
        )
        time.sleep(0.3)


def _demo_auth(tally: Tally, base: str, who: str) -> dict[str, str]:
    token = _token(tally, base, f"{who}@demo.faunaschade.nl", DEMO_PASSWORD)
    return {"Authorization": f"Bearer {token}"}


def reader(tally: Tally, base: str, stop: threading.Event) -> None:
    auth = _demo_auth(tally, base, "controleur")
    while not stop.is_set():
        tally.call("healthz", "GET", f"{base}/healthz")
        tally.call("read", "GET", f"{base}/api/v1/claims", headers=auth)
        time.sleep(1)


# --- the run ----------------------------------------------------------------------------------


class Deployment:
    """Database, Redis, SMTP sink, gunicorn and the worker of one soak run."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
        self.database_url = ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
        self.redis = Redis(str(workdir))
        self.sink = Sink()
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.env: dict[str, str] = {}
        self.gunicorn_command = [str(BIN / "gunicorn"), "-w", "3", "-b", f"127.0.0.1:{port}"]
        self.gunicorn_command += ["--timeout", "60", "wsgi:app"]
        self.children: list[Child] = []

    def start(self) -> None:
        self.redis.start()
        self.sink.controller.start()
        self.env = environment(
            self.database_url, self.redis.url, self.sink.controller.port, self.workdir
        )
        for command in (("db", "upgrade"), ("demo", "seed")):
            done = flask(self.env, *command)
            if done.returncode:
                raise RuntimeError(done.stdout + done.stderr)
        self.children.append(Child("gunicorn", self.gunicorn_command, self.env, self.workdir))
        self.children[0].start()
        self.new_worker()
        for _ in range(100):
            with contextlib.suppress(requests.RequestException):
                requests.get(f"{self.base}/healthz", timeout=2)
                return
            time.sleep(0.3)

    def new_worker(self) -> None:
        name = f"worker-{len(self.children)}"
        self.children.append(Child(name, [str(BIN / "flask"), "worker"], self.env, self.workdir))
        self.children[-1].start()

    def drain(self, seconds: float) -> None:
        """Wait until no job is pending, queued or running (or the time is up)."""
        engine = create_engine(self.database_url)
        deadline = time.monotonic() + seconds
        sql = text("SELECT count(*) FROM jobs WHERE status IN ('pending', 'queued', 'started')")
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if not conn.execute(sql).scalar():
                    break
            time.sleep(2)
        engine.dispose()

    def log_problems(self) -> int:
        words = ("Traceback", "[CRITICAL]", "WORKER TIMEOUT")
        return sum(
            any(w in line for w in words)
            for child in self.children
            for line in child.log.read_text(errors="replace").splitlines()
        )

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
        self.sink.controller.stop()
        self.redis.stop()
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        self.admin.dispose()


def load(deployment: Deployment, minutes: float, farmers: int) -> tuple[Tally, list[str], float]:
    """The clients for `minutes`, the worker killed at 1/3 and Redis stopped at 2/3."""
    tally, stop, base = Tally(), threading.Event(), deployment.base
    threads = [threading.Thread(target=farmer, args=(tally, base, n, stop)) for n in range(farmers)]
    threads += [threading.Thread(target=officer, args=(tally, base, r, stop)) for r in "ab"]
    threads += [threading.Thread(target=f, args=(tally, base, stop)) for f in (hostile, reader)]
    started, seconds, events = time.monotonic(), minutes * 60, []

    def at(fraction: float, what: str, action) -> None:
        time.sleep(max(seconds * fraction - (time.monotonic() - started), 0))
        action()
        events.append(f"{time.monotonic() - started:.0f} s: {what}")

    for thread in threads:
        thread.start()
    at(1 / 3, "worker SIGKILLed (master and work-horse)", deployment.children[-1].kill)
    at(1 / 3 + 5 / seconds, "a new worker started", deployment.new_worker)
    at(2 / 3, "Redis stopped", deployment.redis.stop)
    at(2 / 3 + 20 / seconds, "Redis started again, empty", deployment.redis.start)
    at(1, "clients stopped", stop.set)
    for thread in threads:
        thread.join(120)
    return tally, events, time.monotonic() - started


CHECKS = {
    "decisions without exactly one ready letter": (
        "SELECT count(*) FROM decisions d WHERE (SELECT count(*) FROM letters l "
        "WHERE l.decision_id = d.id AND l.status = 'ready') <> 1"
    ),
    # An autotax claim is no application: it gets no receipt (Awb 4:3a), only its decision.
    "submitted claims without exactly one ready receipt": (
        "SELECT count(*) FROM claims c WHERE c.submitted_at IS NOT NULL AND NOT c.autotax "
        "AND (SELECT count(*) "
        "FROM letters l WHERE l.claim_id = c.id AND l.kind = 'receipt' AND l.status = 'ready') "
        "<> 1"
    ),
    "claims paid twice": (
        "SELECT count(*) FROM (SELECT claim_id FROM payments WHERE status = 'paid' "
        "GROUP BY claim_id HAVING count(*) > 1) t"
    ),
    "claims with two open proposals": (
        "SELECT count(*) FROM (SELECT claim_id FROM proposals WHERE status = 'open' "
        "GROUP BY claim_id HAVING count(*) > 1) t"
    ),
    "claims proposed without an open proposal": (
        "SELECT count(*) FROM claims c WHERE c.status = 'proposed' AND NOT EXISTS "
        "(SELECT 1 FROM proposals p WHERE p.claim_id = c.id AND p.status = 'open')"
    ),
    "jobs not finished": "SELECT count(*) FROM jobs WHERE status <> 'finished'",
}
FIGURES = {
    "claims of the soak farmers": (
        "SELECT count(*) FROM claims c JOIN farmer_profiles f ON f.id = c.farmer_id "
        "JOIN users u ON u.id = f.user_id WHERE u.email LIKE '%@soak.example.nl'"
    ),
    "decisions": "SELECT count(*) FROM decisions",
    "letters": "SELECT count(*) FROM letters",
}


def check(deployment: Deployment, tally: Tally) -> dict[str, int]:
    """What the database holds after the run: problems (goal 0) and figures."""
    engine = create_engine(deployment.database_url)
    with engine.connect() as conn:
        found = {
            name: conn.execute(text(sql)).scalar() for name, sql in {**CHECKS, **FIGURES}.items()
        }
        stored = set(conn.execute(text("SELECT id FROM claims")).scalars())
    engine.dispose()
    found["claims acknowledged"] = len(tally.acknowledged)
    found["claims acknowledged but missing"] = len(set(tally.acknowledged) - stored)
    found["claims stored but never acknowledged"] = found["claims of the soak farmers"] - len(
        tally.acknowledged
    )
    return found


def report(tally: Tally, events: list[str], seconds: float, found: dict, verify, log_lines: int):
    total = sum(tally.counts.values())
    statuses: collections.Counter = collections.Counter()
    for (_, status), n in tally.counts.items():
        statuses[status] += n
    print(f"soak: {seconds:.0f} s of load, {total} requests ({total / seconds:.1f}/s)")
    for line in events:
        print(f"  {line}")
    print(
        "answers by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=str))
    )
    for kind in sorted({k for k, _ in tally.counts}):
        row = sorted(((s, n) for (k, s), n in tally.counts.items() if k == kind), key=str)
        print(f"  {kind:<10} " + ", ".join(f"{s}: {n}" for s, n in row))
    print(f"answers 5xx other than 503: {len(tally.errors)}")
    for error in tally.errors[:10]:
        print(f"  {error}")
    for name, value in found.items():
        print(f"{name}: {value}")
    print(f"e-mails received by the SMTP sink: {tally.mails}")
    print(f"flask audit verify: exit {verify.returncode}: {verify.stdout.strip()[-200:]}")
    print(f"server log lines with Traceback/CRITICAL/WORKER TIMEOUT: {log_lines}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--farmers", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="faunaschade-soak-"))
    deployment = Deployment(workdir)
    deployment.start()
    try:
        tally, events, seconds = load(deployment, args.minutes, args.farmers)
        deployment.drain(600)
        verify = flask(deployment.env, "audit", "verify")
        found = check(deployment, tally)
        tally.mails = deployment.sink.count
        log_lines = deployment.log_problems()
    finally:
        deployment.stop()
    report(tally, events, seconds, found, verify, log_lines)
    print(f"logs: {workdir}")
    problems = [name for name in CHECKS if found[name]]
    lost = found["claims acknowledged but missing"]
    return 1 if tally.errors or problems or lost or verify.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
