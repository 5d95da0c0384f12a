"""A late decision in the browser: the farmer sends the notice of default from the claim page,
and the officer finds the claim first in the queue with its first penalty day."""

from datetime import timedelta

import pytest

from faunaschade.accounts.users import create_user
from faunaschade.clock import today
from faunaschade.extensions import db
from faunaschade.models import FarmerProfile, Role
from faunaschade.money import dutch_date
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import logged_in
from tests.support.decisions import assessed_claim

pytestmark = pytest.mark.browser


def _world(committed) -> tuple[int, int]:
    """A farmer whose claim's decision term ended yesterday, and a claim of another farmer
    with an older overdue deadline (which would otherwise come first)."""
    with committed.app_context():
        users = {
            n: create_user(f"{n}@example.nl", DEMO_PASSWORD, r, p, name=name)
            for n, r, p, name in [
                ("farmer", Role.FARMER, (), "Boer Bakker"),
                ("other", Role.FARMER, (), "Boer Jansen"),
                ("a", Role.OFFICER, ("DR",), "Anna A"),
                ("assessor", Role.ASSESSOR, (), "T"),
            ]
        }
        for who, name in (("farmer", "Boer Bakker"), ("other", "Boer Jansen")):
            db.session.add(
                FarmerProfile(
                    user_id=users[who].id,
                    name=name,
                    kvk="01234567",
                    iban="NL91ABNA0417164300",
                    address="Dijk 1",
                    postcode="9401 AA",
                    city="Assen",
                )
            )
        db.session.flush()
        late = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        late.backstop_deadline = today() - timedelta(days=1)
        late.decision_target = today() + timedelta(days=20)
        urgent = assessed_claim(db.session, users["other"], users["a"], users["assessor"])
        urgent.backstop_deadline = today() + timedelta(days=10)
        urgent.decision_target = today() - timedelta(days=30)
        db.session.commit()
        return late.id, urgent.id


def test_the_farmer_gives_notice_and_the_officer_sees_it_first(browser, live_server, committed):
    late_id, urgent_id = _world(committed)
    first_day = dutch_date(today() + timedelta(days=15))

    context, farmer = logged_in(browser, live_server, "farmer@example.nl")
    farmer.goto(f"{live_server}/aanvragen/{late_id}")
    section = farmer.locator("section[aria-labelledby=ingebrekestelling]")
    assert "De beslistermijn is verstreken op" in section.inner_text()
    section.get_by_role("button", name="Ingebrekestelling sturen").click()
    status = farmer.get_by_role("status").inner_text()
    assert f"vanaf {first_day} een dwangsom verschuldigd" in " ".join(status.split())
    assert farmer.get_by_role("button", name="Ingebrekestelling sturen").count() == 0
    assert "de dwangsom loopt vanaf" in farmer.locator("ol.timeline").inner_text()
    context.close()

    context, officer = logged_in(browser, live_server, "a@example.nl")
    officer.goto(f"{live_server}/behandeling")
    rows = officer.locator("table.queue tbody tr")
    assert rows.count() == 2
    head = rows.nth(0).inner_text()
    assert f"Ingebreke gesteld — dwangsom loopt vanaf {first_day}" in " ".join(head.split())
    assert "Ingebreke gesteld" not in rows.nth(1).inner_text()
    links = officer.locator("table.queue tbody tr th a")
    assert links.nth(0).get_attribute("href").endswith(f"/aanvragen/{late_id}")
    assert links.nth(1).get_attribute("href").endswith(f"/aanvragen/{urgent_id}")
    links.nth(0).click()
    shown = " ".join(
        officer.locator("section[aria-labelledby=ingebrekestelling]").inner_text().split()
    )
    assert f"Ingebreke gesteld — dwangsom loopt vanaf {first_day}" in shown
    assert "Tot en met vandaag 0 dagen: € 0,00." in shown
    context.close()
