"""The browser tests' way in (real Chromium, tests/plugins/browser.py): the login page, on the
test's own page or in a browser context of its own, for a second user side by side."""

from __future__ import annotations

from typing import Any

from tests.support.app import DEMO_PASSWORD


def log_in(page: Any, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in on the login page as `email`."""
    page.goto(f"{base}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def logged_in(browser: Any, base: str, email: str, **options: Any) -> tuple[Any, Any]:
    """A browser context of its own (Dutch; `options` for Playwright's new_context) and a page
    in it, logged in as `email`."""
    context = browser.new_context(locale="nl-NL", **options)
    page = context.new_page()
    log_in(page, base, email)
    return context, page
