"""Times are Dutch time everywhere: typed in as Europe/Amsterdam, stored as UTC, shown as typed.

Issue 14 found a wolf claim whose discovery was entered as 06:30 Dutch time while its deadline
step and decision letter said "uiterlijk … 05:30" (UTC). A discovery at 06:30 on a winter day
(CET, 05:30 UTC) and on a summer day (CEST, 04:30 UTC) must read 06:30 on the claim page, in the
officer's calculation, in the e-mail and in the decision letter read back from its PDF.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from faunaschade.clock import AMSTERDAM, today
from faunaschade.models import Claim, FarmerProfile, Letter, LetterKind
from faunaschade.money import dutch_date, dutch_moment
from faunaschade.storage import read_bytes
from tests.support.app import DEMO_PASSWORD, csrf_token_from


def _last_past(month: int) -> date:
    """The 15th of `month` in the most recent year in which it has passed."""
    day = date(today().year, month, 15)
    return day if day < today() else day.replace(year=day.year - 1)


def web_login(app, email: str):
    """A browser-like client logged in (session cookie, CSRF)."""
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def _post_form(client, url: str, data: dict) -> object:
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _text(data: bytes, pdf_text) -> str:
    return " ".join(pdf_text(data).split())


@pytest.mark.parametrize(("month", "utc_hour"), [(1, 5), (7, 4)], ids=["winter", "summer"])
def test_a_discovery_typed_as_0630_reads_0630_on_page_mail_and_letter(
    app, session, client, make_user, api_token, run_worker, smtp_server, pdf_text, month, utc_hour
):
    day = _last_past(month)
    farmer = make_user("farmer")
    first, second = (make_user("officer", provinces=("GE",)) for _ in range(2))
    web = web_login(app, farmer.email)
    response = _post_form(
        web,
        "/aanvragen/wolf",
        {
            "province": "GE",
            "discovered_on": day.isoformat(),
            "discovered_time": "06:30",
            "species": "wolf",
            "animals": "2",
            "description": "Twee ooien dood bij het hek.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    profile = session.scalars(select(FarmerProfile).filter_by(user_id=farmer.id)).one()
    claim = session.scalars(select(Claim).filter_by(farmer_id=profile.id)).one()

    # Stored as the UTC instant of 06:30 in Amsterdam (CET +1 in winter, CEST +2 in summer).
    assert claim.discovered_at == datetime(day.year, day.month, day.day, utc_hour, 30, tzinfo=UTC)
    found = f"{dutch_date(day)} 06:30"
    deadline = f"uiterlijk {dutch_date(day + timedelta(days=1))} 06:30 (24 uur na ontdekking)"
    reported = claim.submitted_at.astimezone(AMSTERDAM)
    reported_text = f"Gemeld op {dutch_date(reported.date())} {reported:%H:%M}"

    # The page says when the animals were found, in Dutch time.
    assert found in web.get(f"/aanvragen/{claim.id}").get_data(as_text=True)

    # The e-mail about the report says so too.
    run_worker()
    (mail,) = smtp_server.wait_for(1)
    assert found in mail.get_content()

    # The officer's calculation: the 24-hour deadline in Dutch time.
    proposal = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={"motivation": "Melding na de termijn."},
        headers=api_token(first),
    )
    assert proposal.status_code == 201, proposal.json
    page = web_login(app, first.email).get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert deadline in page and reported_text in page

    # The decision letter, read back from its PDF.
    approved = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=api_token(second))
    assert approved.status_code == 200, approved.json
    run_worker()
    letter = session.scalars(
        select(Letter).filter_by(claim_id=claim.id, kind=LetterKind.DECISION)
    ).one()
    text = _text(read_bytes(letter.file_id), pdf_text)
    assert deadline in text and reported_text in text


def test_one_formatter_shows_any_moment_in_dutch_time():
    winter = datetime(2026, 1, 15, 5, 30, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 4, 30, tzinfo=UTC)
    assert dutch_moment(winter) == "15 januari 2026 06:30"
    assert dutch_moment(summer) == "15 juli 2026 06:30"
    # Past midnight in Amsterdam while still the day before in UTC.
    assert dutch_moment(datetime(2026, 3, 1, 23, 15, tzinfo=UTC)) == "2 maart 2026 00:15"
    # The last Sunday of March: 01:59 UTC is 03:59 summer time.
    assert dutch_moment(datetime(2026, 3, 29, 1, 59, tzinfo=UTC)) == "29 maart 2026 03:59"
