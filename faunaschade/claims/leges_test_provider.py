"""The built-in test provider: a Dutch betaalpagina of our own, for development and tests."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Request, current_app, url_for
from flask_babel import gettext as _

from faunaschade.errors import Unauthorized, ValidationFailed
from faunaschade.models import Payment, PaymentStatus

SIGNATURE_HEADER = "X-Test-Signature"


def sign(payment_id: int, status: str) -> str:
    """HMAC the test provider puts on its webhook calls."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{payment_id}:{status}".encode(), hashlib.sha256).hexdigest()


class TestProvider:
    """Payments are confirmed on our own test page or by the test-confirm endpoint."""

    name = "test"

    def create(self, payment: Payment) -> tuple[str, str]:
        ref = f"test_{secrets.token_urlsafe(12)}"
        return ref, url_for("leges_test_web.test_checkout", ref=ref)

    def webhook_status(self, payment: Payment, request: Request) -> PaymentStatus:
        body = request.get_json(silent=True) or {}
        status = body.get("status")
        if status not in ("paid", "cancelled", "failed"):
            raise ValidationFailed(fields={"status": [_("Kies paid, cancelled of failed.")]})
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given, sign(payment.id, status)):
            raise Unauthorized(
                _("Ongeldige handtekening van de betaalprovider."), code="bad_signature"
            )
        return PaymentStatus(status)
