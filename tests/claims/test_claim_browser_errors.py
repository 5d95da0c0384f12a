"""A refused upload in a real Chromium (issue 14): the error next to the file field, in view,
not at the top of a page scrolled down to the attachments."""

import pytest
from playwright.sync_api import expect

from faunaschade.accounts.users import create_user
from faunaschade.extensions import db
from faunaschade.models import ClaimStatus, FarmerProfile, Role
from tests.support.app import DEMO_PASSWORD
from tests.support.browser import log_in
from tests.support.decisions import assessed_claim
from tests.support.farmers import jpeg_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def claim_id(committed):
    with committed.app_context():
        farmer = create_user("farmer@example.nl", DEMO_PASSWORD, Role.FARMER, name="Boer")
        officer = create_user("a@example.nl", DEMO_PASSWORD, Role.OFFICER, ("DR",))
        assessor = create_user("t@example.nl", DEMO_PASSWORD, Role.ASSESSOR)
        db.session.add(
            FarmerProfile(
                user_id=farmer.id,
                name="Boer Bakker",
                kvk="01234567",
                iban="NL91ABNA0417164300",
                address="Dijk 1",
                postcode="9401 AA",
                city="Assen",
            )
        )
        claim = assessed_claim(db.session, farmer, officer, assessor)
        claim.status = ClaimStatus.SUBMITTED  # photos may still be added
        db.session.commit()
        return claim.id


def test_a_refused_upload_shows_its_error_at_the_file_field(live_server, page, claim_id):
    log_in(page, live_server, "farmer@example.nl")
    page.goto(f"{live_server}/aanvragen/{claim_id}")
    file_field = page.get_by_label("Foto of document toevoegen")
    file_field.set_input_files(
        files=[{"name": "notitie.txt", "mimeType": "text/plain", "buffer": b"geen foto"}]
    )
    page.get_by_role("button", name="Toevoegen", exact=True).click()

    summary = page.locator("#bijlagen").locator("..").locator(".error-summary")
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Foto of document")).to_be_visible()
    assert page.locator(".flashes").count() == 0
    expect(file_field).to_have_attribute("aria-invalid", "true")
    assert "PDF-bestanden" in page.locator("#f-file-error").inner_text()
    expect(page.locator("#f-file-error")).to_be_in_viewport()

    file_field.set_input_files(
        files=[{"name": "schade.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.get_by_role("button", name="Toevoegen", exact=True).click()
    assert "Bestand 'schade.jpg' is toegevoegd." in page.get_by_role("status").inner_text()
    expect(page.get_by_role("link", name="schade.jpg")).to_be_visible()
