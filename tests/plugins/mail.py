"""A real SMTP server (aiosmtpd) on a free loopback port: `smtp_server` and what it received."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.support.redis_server import free_port


class SmtpSink:
    """What the loopback SMTP server received: parsed messages, envelopes and logins."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.messages: list = []
        self.envelope_recipients: list[list[str]] = []
        self.logins: list[tuple[str, str]] = []
        #: Refuse this many next recipients with a temporary 450 that quotes the address.
        self.refuse_next = 0
        self._arrived = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return f"450 4.2.0 <{address}>: Recipient address rejected, mailbox busy"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        import email
        import email.policy

        # SMTP lines end in CRLF; a mail client shows plain newlines, and so do the tests.
        raw = envelope.content.replace(b"\r\n", b"\n")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self.envelope_recipients.append(list(envelope.rcpt_tos))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    def wait_for(self, n: int, timeout: float = 5) -> list:
        """Block until at least n messages arrived; returns them all."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= n, timeout):
                raise AssertionError(f"expected {n} message(s), received {len(self.messages)}")
            return list(self.messages)


@pytest.fixture
def smtp_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on loopback; the app's MAIL_* settings point at it."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())
    # AUTH over plain loopback, so the login path can be tested without certificates.
    controller = Controller(
        sink,
        hostname=sink.host,
        port=sink.port,
        server_hostname="smtp.test",
        authenticator=sink.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", sink.host)
    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", None)
    try:
        yield sink
    finally:
        controller.stop()
