"""Payment batch in the browser: officer A builds, officer B approves, exports, downloads, pays."""

from pathlib import Path

import pytest
import sepaxml
import xmlschema

from faunaschade.extensions import db
from faunaschade.models import Claim, ClaimStatus
from tests.support.browser import logged_in
from tests.support.decisions import bakker_and_officers, decided_claim

pytestmark = pytest.mark.browser
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


@pytest.fixture
def claim_id(committed, redis_conn):
    """A decided claim in Drenthe (payout € 2.950,00, leges refund € 300,00), committed."""
    with committed.app_context():
        users = bakker_and_officers()
        claim = decided_claim(users)
        db.session.commit()
        return claim.id


def test_build_approve_download_and_pay_in_the_browser(
    browser, live_server, claim_id, committed, tmp_path
):
    context_a, a = logged_in(browser, live_server, "a@example.nl", accept_downloads=True)
    a.get_by_role("link", name="Betaalbatches").click()
    a.get_by_label("Provincie").select_option(label="Drenthe")
    a.get_by_role("button", name="Betaalbatch samenstellen").click()
    assert "De betaalbatch is samengesteld" in a.get_by_role("status").inner_text()
    transfers = a.get_by_role("table", name="Overboekingen")
    assert "€ 2.950,00" in transfers.inner_text() and "€ 300,00" in transfers.inner_text()
    assert "€ 3.250,00" in a.locator("tfoot").inner_text()
    assert "vier-ogenprincipe" in a.content()
    assert a.get_by_role("button", name="Goedkeuren (tweede behandelaar)").count() == 0
    batch_url = a.url
    context_a.close()

    context_b, b = logged_in(browser, live_server, "b@example.nl", accept_downloads=True)
    b.goto(batch_url)
    b.get_by_role("button", name="Goedkeuren (tweede behandelaar)").click()
    assert "goedgekeurd" in b.get_by_role("status").inner_text()
    b.get_by_role("button", name="SEPA-bestand maken (exporteren)").click()
    assert "pain.001" in b.get_by_role("status").inner_text()
    with b.expect_download() as download_info:
        b.get_by_role("link", name="pain.001 downloaden (XML)").click()
    target = tmp_path / "pain001.xml"
    download_info.value.save_as(target)
    xml = target.read_text(encoding="utf-8")
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    assert "<CtrlSum>3250.00</CtrlSum>" in xml and "<Nm>Provincie Drenthe</Nm>" in xml

    b.get_by_role("button", name="Markeren als betaald").click()
    assert "aanvragen staan op uitbetaald" in b.get_by_role("status").inner_text()
    assert "Betaald" in b.locator(".status-line").inner_text()
    context_b.close()

    with committed.app_context():
        assert db.session.get(Claim, claim_id).status == ClaimStatus.PAID
