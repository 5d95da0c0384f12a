"""No internal codes on pages (issue 14): the calculation on the claim page names the province's
beleidsregel and the date of its version, as the decision letter does, not the rule set's code."""

import re

from tests.support.app import DEMO_PASSWORD, csrf_token_from

REGELING = "Beleidsregel tegemoetkoming faunaschade Drenthe (versie van 1 januari 2024)"


def _page(app, user, claim) -> str:
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return client.get(f"/aanvragen/{claim.id}").get_data(as_text=True)


def _caption(html: str, caption_id: str) -> str:
    return " ".join(
        re.search(rf'<caption id="{caption_id}">(.*?)</caption>', html, re.S)[1].split()
    )


def test_the_proposals_calculation_names_the_beleidsregel(app, claim_in, second_officer):
    claim = claim_in("proposed")
    html = _page(app, second_officer, claim)
    assert _caption(html, "calculation-caption") == f"Berekening volgens de {REGELING}"
    assert "DR-2024-01-01" not in html


def test_the_engines_preview_names_the_beleidsregel(app, claim_in, officer):
    claim = claim_in("assessed")
    html = _page(app, officer, claim)
    caption = _caption(html, "engine-preview-caption")
    assert caption == f"Berekening volgens de {REGELING}, zoals de aanvraag nu is (zonder korting)"
    assert "DR-2024-01-01" not in html
