"""A real HTTP receiver of CloudEvents for the delivery tests: a threaded http.server on a free
loopback port that checks each signature with the subscriber's secret and can be told to be
down (its port closed), slow (sleep before answering) or to answer 500 a number of times."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One POST as the receiver saw it, and what it answered."""

    body: bytes
    headers: dict[str, str]
    signature_ok: bool
    answered: int

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Start with start(); `secret` is checked on every request (401 when it does not match)."""

    secret: str = ""
    #: Answer 500 to this many requests first.
    fail_next: int = 0
    #: Seconds to sleep before answering.
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/events"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                timestamp = self.headers.get("X-Faunaschade-Timestamp", "")
                expected = hmac.new(
                    receiver.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                given = self.headers.get("X-Faunaschade-Signature", "")
                ok = hmac.compare_digest(given, "sha256=" + expected)
                fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
                if receiver.delay:
                    time.sleep(receiver.delay)
                if not (ok and fresh):
                    status = 401
                elif receiver.fail_next > 0:
                    receiver.fail_next -= 1
                    status = 500
                else:
                    status = 204
                receiver.requests.append(Received(body, dict(self.headers), ok, status))
                self.send_response(status)
                self.send_header("Content-Length", "0" if status == 204 else "5")
                self.end_headers()
                if status != 204:
                    self.wfile.write(b"nope!")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        """Close the port: connections are refused until start() again (on the same port)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def accepted(self) -> list[dict[str, Any]]:
        """The events it accepted (2xx), in the order they came."""
        return [r.event for r in self.requests if r.answered == 204]
