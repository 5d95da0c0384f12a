"""Anyone, not logged in, checks a letter in a real Chromium: the genuine PDF is ours and
unchanged (at once), a copy with one byte changed shows "bezig met controleren…" until a real
rq worker has checked it and then is not ours, and a file that is no PDF is named."""

import pytest
from playwright.sync_api import expect

from faunaschade.extensions import db
from faunaschade.letters.operations import request_letter
from faunaschade.letters.rendering import render_letter
from faunaschade.models import LetterKind
from faunaschade.storage import read_bytes
from tests.letters.test_letters import make_claim
from tests.support.farmers import make_farm

pytestmark = pytest.mark.browser


@pytest.fixture
def letter_pdf(committed) -> bytes:
    with committed.app_context():
        profile = make_farm(
            "jan@melkvee.nl", "Jan", "Melkveebedrijf Jan", "Dijkweg 1", "8501 AA", "Joure"
        )
        letter = request_letter(make_claim(db.session, profile.id), LetterKind.RECEIPT)
        db.session.commit()
        render_letter(letter.id)
        db.session.commit()
        return read_bytes(db.session.get(type(letter), letter.id).file_id)


def test_anyone_checks_a_letter_and_a_changed_copy(
    live_server, page, letter_pdf, tmp_path, run_worker
):
    genuine = tmp_path / "ontvangstbevestiging.pdf"
    genuine.write_bytes(letter_pdf)
    edited = bytearray(letter_pdf)
    edited[5000] ^= 0x01
    changed = tmp_path / "gewijzigd.pdf"
    changed.write_bytes(bytes(edited))
    not_pdf = tmp_path / "brief.pdf"
    not_pdf.write_text("geen pdf")

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Brief controleren").click()
    expect(page.get_by_role("heading", name="Brief controleren", level=1)).to_be_visible()

    page.get_by_label("Brief (PDF)").set_input_files(str(genuine))
    page.get_by_role("button", name="Controleren").click()
    result = page.get_by_role("region", name="Uitslag")
    expect(result).to_contain_text(
        "Deze brief is echt: door ons ondertekend en sindsdien niet gewijzigd."
    )
    expect(result).to_contain_text("FS-2025-000123-O1")
    expect(result).to_contain_text("Ontvangstbevestiging")
    expect(result).not_to_contain_text("Melkveebedrijf Jan")

    page.get_by_label("Brief (PDF)").set_input_files(str(changed))
    page.get_by_role("button", name="Controleren").click()
    # The worker has not run: the page says so, and asks again by itself.
    expect(page.get_by_role("status")).to_contain_text("Bezig met controleren…")
    expect(page.get_by_role("region", name="Uitslag")).to_have_count(0)
    run_worker()
    expect(page.get_by_role("region", name="Uitslag")).to_contain_text(
        "Dit bestand is gewijzigd nadat wij het ondertekenden", timeout=15_000
    )
    expect(page.get_by_role("status")).to_have_count(0)

    page.get_by_label("Brief (PDF)").set_input_files(str(not_pdf))
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("alert")).to_contain_text("Brief (PDF): Dit is geen PDF-bestand.")
