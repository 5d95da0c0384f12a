"""What `make run` does after installing: migrate SQLite, seed, serve health and login."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.app import ROOT
from tests.support.redis_server import free_port

# make run serves SQLite whatever the pass: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only


def test_run_script_serves_healthz_and_login_on_sqlite_without_redis(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        BIN=str(Path(sys.executable).parent),
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
    )
    log = open(tmp_path / "run.log", "w+")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "run.sh")], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        health = None
        deadline = time.monotonic() + 120  # three flask commands start first; CI may be busy
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    health = (r.status, r.read().decode())
                break
            except OSError:
                time.sleep(0.2)
        log.seek(0)
        output = log.read()
        assert health is not None, output
        assert health[0] == 200 and '"in-process (no REDIS_URL)"' in health[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
            assert r.status == 200
            assert '<label class="label" for="email">E-mailadres</label>' in r.read().decode()
        for role in ("farmer", "assessor", "officer", "auditor", "admin"):
            assert f"  {role}" in output, output
        assert "demo-wachtwoord-2026" in output
        # Letters are signed: without settings, with the development certificate (instance/).
        assert "letters are signed with the self-signed DEVELOPMENT certificate" in output
    finally:
        server.terminate()
        server.wait(10)
        log.close()
