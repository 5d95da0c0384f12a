"""Logging: one line per event, and no personal data."""

from __future__ import annotations

import logging
import re

from flask import Flask

# IBANs and e-mail addresses are personal data; they never reach a log line.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def redact(text: str) -> str:
    """The text with IBANs and e-mail addresses masked."""
    return _EMAIL.sub("[e-mail]", _IBAN.sub("[iban]", text))


class RedactingFilter(logging.Filter):
    """Masks IBANs and e-mail addresses in every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure(app: Flask) -> None:
    """Send app logs to stderr with the redacting filter."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger("faunaschade")
    if not any(isinstance(f, RedactingFilter) for h in root.handlers for f in h.filters):
        root.addHandler(handler)
    root.setLevel(logging.INFO if not app.debug else logging.DEBUG)
