"""A private redis-server on a free loopback port: one per test process, and for outage tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

from redis import Redis
from redis.exceptions import RedisError


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (at this moment)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server on its own port that a test can stop and start."""

    def __init__(self, directory: str) -> None:
        self.port, self.directory, self.process = free_port(), directory, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                break
            except RedisError:
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def discard(self) -> None:
        """Stop the server if it runs and remove its directory."""
        if self.process is not None and self.process.poll() is None:
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
