"""The service as an operator starts it: processes whose environment is set before Python starts.

`production_env()` is the complete production environment (FAUNASCHADE_ENV=production, a random
SECRET_KEY, PostgreSQL, Redis, sender block, province accounts and letter settings); `flask()`
runs one command, `Gunicorn` and `Worker` are long-running processes a test can kill.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from faunaschade.provinces import PROVINCE_CODES
from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
_ACCOUNT = {"name": "Provincie", "iban": "NL91ABNA0417164300", "bic": "ABNANL2A"}
#: LETTER_PROVINCES_JSON as production accepts it: every province's objection address and
#: signatory, none illustrative.
LETTER_PROVINCES_JSON = json.dumps(
    {
        code: {
            "objection_address": {"postal_address": "Postbus 1", "postal_city": "1000 AA Plaats"},
            "signatory": {"name": "A. Ondertekenaar", "function": "teamleider"},
        }
        for code in PROVINCE_CODES
    }
)


@functools.cache
def signing_env() -> dict[str, str]:
    """LETTER_SIGNING_CERT, _KEY and _KEY_PASSPHRASE as production accepts them: PEM text in
    the environment, the key encrypted (a certificate of its own, not the development one)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from faunaschade.documents.signing import self_signed_certificate

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Provincies (productietest)")])
    certificate = self_signed_certificate(key, name, days=30)
    passphrase = "productie-wachtwoord"
    return {
        "LETTER_SIGNING_CERT": certificate.public_bytes(serialization.Encoding.PEM).decode(),
        "LETTER_SIGNING_KEY": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode()),
        ).decode(),
        "LETTER_SIGNING_KEY_PASSPHRASE": passphrase,
    }


def production_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """Everything production refuses to start without, plus `extra`."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "TEST_"))}
    env = {
        **inherited,
        "FAUNASCHADE_ENV": "production",
        "FLASK_APP": "wsgi",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://"),
        "REDIS_URL": redis_url,
        "ALLOW_TEST_PAYMENTS": "true",
        "LETTER_SENDER_JSON": json.dumps({"name": "Provincie (test)", "email": "t@example.nl"}),
        "PROVINCE_ACCOUNTS_JSON": json.dumps({code: _ACCOUNT for code in PROVINCE_CODES}),
        "LETTER_PROVINCES_JSON": LETTER_PROVINCES_JSON,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(free_port()),  # nothing listens: mail jobs fail and retry, harmlessly
        **signing_env(),
    }
    env.update(extra)
    return env


def flask(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `flask ARGS` in a new process with `env`; the output is in .stdout."""
    return subprocess.run(
        [str(BIN / "flask"), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )


def wait_for(predicate, seconds: float, what: str):
    """Poll `predicate` until it returns something true (returned), or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


class _Process:
    """A long-running child with its log in a file."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.command, self.env, self.log_path = command, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def descendants(self) -> list[int]:
        """Pids of every process below ours (rq's work-horse starts a session of its own)."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                children = [int(c) for c in task.read_text().split()]
                found += children
                todo += children
        return found

    def kill(self) -> None:
        """SIGKILL our process and all below it at once, as a crash or the OOM killer would."""
        if self.process is not None and self.process.poll() is None:
            for pid in [self.process.pid, *self.descendants()]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()


class Gunicorn(_Process):
    """`gunicorn -w N wsgi:app` on a free loopback port."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 3) -> None:
        self.port = free_port()
        command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{self.port}"]
        super().__init__([*command, "--timeout", "60", "wsgi:app"], env, log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 60) -> None:
        super().start()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers (a 503 is an answer: a dependency is down)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {wait} s:\n{self.log()[-3000:]}")


class Worker(_Process):
    """`flask worker` (rq, forking a work-horse per job) with its sweep."""

    def __init__(self, env: dict[str, str], log: Path, sweep_interval: int = 30) -> None:
        command = [str(BIN / "flask"), "worker", "--sweep-interval", str(sweep_interval)]
        super().__init__(command, env, log)
