"""A real Chromium logs in through the real login page."""

import pytest

from faunaschade.accounts.users import create_user
from faunaschade.extensions import db
from faunaschade.models import Role
from tests.support.app import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(committed):
    with committed.app_context():
        user = create_user(
            "browser-officer@example.nl", DEMO_PASSWORD, Role.OFFICER, ["GE"], name="Bea Browser"
        )
        db.session.commit()
        return user.email


def test_login_through_the_real_page(live_server, page, officer):
    page.goto(f"{live_server}/")
    assert page.url.endswith("/login?next=/%3F") or "/login" in page.url
    page.get_by_label("E-mailadres").fill(officer)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welkom, Bea Browser"
    assert "Gelderland" in page.content()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{live_server}/login")
    assert page.get_by_role("status").inner_text() == "U bent uitgelogd."


def test_wrong_password_shows_an_error_in_the_page(live_server, page, officer):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mailadres").fill(officer)
    page.get_by_label("Wachtwoord").fill("not-the-password-1")
    page.get_by_role("button", name="Inloggen").click()
    assert page.get_by_role("alert").inner_text().endswith("E-mailadres of wachtwoord onjuist.")


def test_keyboard_reaches_the_form_and_focus_is_visible(live_server, page):
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
