"""Outgoing e-mail over SMTP with the standard library, configured by the app's MAIL_* settings."""

from __future__ import annotations

import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app

from faunaschade.logs import redact

#: Seconds before connecting, or any single SMTP command, gives up.
SMTP_TIMEOUT = 10
# Server replies often quote the addresses; error texts end up in the jobs table and in rq.


class MailDeliveryError(RuntimeError):
    """Sending failed; the message names no e-mail address, so it may be stored and logged."""


def sender_domain() -> str:
    """The domain of MAIL_DEFAULT_SENDER (also for "Name <addr>" senders), for Message-IDs."""
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return address.rpartition("@")[2] or "faunaschade.invalid"


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    message_id: str | None = None,
    language: str = "nl",
) -> EmailMessage:
    """A UTF-8 message in `language` (Dutch unless told) from the configured sender."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = message_id or make_msgid(domain=sender_domain())
    # RFC 3834: out-of-office robots should not answer a notification.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, subtype="plain", charset="utf-8")
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    # After the content: set_content() and add_alternative() reset the Content-* headers.
    msg["Content-Language"] = language
    return msg


def send_email(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    message_id: str | None = None,
    language: str = "nl",
) -> None:
    """Send one message; raises MailDeliveryError so a job fails and rq retries it."""
    msg = build_message(to, subject, text, html, message_id=message_id, language=language)
    config = current_app.config
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        # `from None`: the original exception text may quote the recipient (SMTPRecipientsRefused).
        raise MailDeliveryError(_describe(exc)) from None


def _describe(exc: Exception) -> str:
    """What went wrong, with any e-mail address masked."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _reply in exc.recipients.values()})
        detail = f"recipient refused (SMTP {', '.join(map(str, codes))})"
    elif isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        detail = f"SMTP {exc.smtp_code} {text}".strip()
    else:
        detail = str(exc)
    server = f"{current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}"
    message = f"sending mail via {server} failed: {type(exc).__name__}: {detail}"
    return redact(message)
