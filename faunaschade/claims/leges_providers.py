"""Payment providers for the leges: one interface, a built-in test provider."""

from __future__ import annotations

from typing import Protocol

from flask import Flask, Request, current_app

from faunaschade.claims.leges_test_provider import TestProvider
from faunaschade.models import Payment, PaymentStatus


class PaymentProvider(Protocol):
    """What a provider does for us; real providers (iDEAL via a PSP) plug in here."""

    name: str

    def create(self, payment: Payment) -> tuple[str, str]:
        """Register the payment with the provider; returns (provider_ref, redirect_url)."""

    def webhook_status(self, payment: Payment, request: Request) -> PaymentStatus:
        """The status the provider reports in a webhook call (verified, or raise)."""


def provider() -> PaymentProvider:
    """The configured provider."""
    return current_app.extensions["faunaschade.payment_provider"]


def init_app(app: Flask) -> None:
    """Pick the provider named by PAYMENT_PROVIDER."""

    providers = {"test": TestProvider}
    name = app.config["PAYMENT_PROVIDER"]
    if name not in providers:
        raise RuntimeError(
            f"PAYMENT_PROVIDER={name!r} is unknown; choose one of {sorted(providers)}"
        )
    app.extensions["faunaschade.payment_provider"] = providers[name]()
