"""The admin's subscriber fields under hostile and bad input, through the API and the page:
a 422 naming the field in Dutch, nothing stored, never a 500; production settings (https only,
no internal addresses) at registration and again at delivery."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from faunaschade.events import delivery as sending
from faunaschade.models import AuditEvent, Subscriber
from tests.support.app import DEMO_PASSWORD, csrf_token_from

TYPES = ["nl.faunaschade.claim.created"]
GOOD = {
    "name": "Zaaksysteem Drenthe",
    "url": "https://zaken.example.nl/events",
    "event_types": TYPES,
}


@pytest.fixture
def production_rules(app, monkeypatch):
    """The event settings production runs with (ProductionConfig pins them)."""
    monkeypatch.setitem(app.config, "EVENTS_ALLOW_HTTP", False)
    monkeypatch.setitem(app.config, "EVENTS_ALLOW_INTERNAL_ADDRESSES", False)
    monkeypatch.setitem(app.config, "EVENTS_ALLOWED_NETWORKS", [])
    return app


def web_login(app, email: str):
    """A browser-like client (session cookie, CSRF) logged in."""
    browser = app.test_client()
    token = csrf_token_from(browser.get("/login").get_data(as_text=True))
    answer = browser.post(
        "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302
    return browser


def stored(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Subscriber))


def audited(session) -> int:
    return session.scalar(select(func.count()).where(AuditEvent.action.like("event_subscriber.%")))


def refused(answer, field: str) -> list[str]:
    """The 422's messages for `field` (the field is named, the message is Dutch)."""
    assert answer.status_code == 422, (answer.status_code, answer.get_data(as_text=True)[:500])
    fields = answer.json["error"]["fields"]
    assert list(fields) == [field], fields
    return fields[field]


LONG_URL = "https://zaken.example.nl/" + "a" * 4975  # 5000 characters

BAD_URLS = [
    ("zaken.example.nl/events", "https://"),  # not a URL: no scheme
    ("geen adres", "spaties"),
    ("ftp://zaken.example.nl/events", "https://"),
    ("javascript:alert(1)", "https://"),
    ("data:text/html,<b>x</b>", "https://"),
    ("https://", "servernaam"),
    ("https:///events", "servernaam"),
    (LONG_URL, "2000"),
    ("https://gebruiker:wachtwoord@zaken.example.nl/events", "wachtwoord"),
    ("https://gebruiker@zaken.example.nl/events", "wachtwoord"),
    ("https://zaken.example.nl:99999/events", "poortnummer"),
    ("https://zaken.example.nl:poort/events", "poortnummer"),
    ("https://zaken.example.nl/events#deel", "#"),
    ("https://zaken.example.nl/ev\nents", "regeleinden"),
    ("https://zaken.example.nl/\x00", "regeleinden"),
    ("https://a..b.nl/", "servernaam"),
    ("https://[zaken.example.nl/events", "servernaam"),
    ("https://[::1/events", "servernaam"),
    ("https://" + "ü" * 70 + ".nl/", "servernaam"),  # an IDN label too long for DNS
    ("", "1 tot 2000"),
    ("   ", "verplicht"),
]


@pytest.mark.parametrize(("url", "said"), BAD_URLS)
def test_a_bad_url_is_refused_by_field_and_nothing_is_stored(
    session, client, admin, api_token, url, said
):
    headers = api_token(admin)
    answer = client.post("/api/v1/admin/subscribers", json={**GOOD, "url": url}, headers=headers)
    messages = refused(answer, "url")
    assert any(said in m for m in messages), messages
    assert stored(session) == 0 and audited(session) == 0


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://zaken.example.nl/events", "https://"),
        ("https://localhost/events", "deze server"),
        ("https://api.localhost/events", "deze server"),
        ("https://127.0.0.1/events", "intern"),
        ("https://[::1]/events", "intern"),
        ("https://[::ffff:10.0.0.1]/events", "intern"),
        ("https://10.1.2.3/events", "intern"),
        ("https://172.16.0.9/events", "intern"),
        ("https://192.168.1.1/events", "intern"),
        ("https://169.254.169.254/latest/meta-data", "intern"),  # a cloud's metadata service
        ("https://100.64.0.1/events", "intern"),
        ("https://0.0.0.0/events", "intern"),
        ("https://[fd00::1]/events", "intern"),
    ],
)
def test_production_refuses_http_and_internal_addresses(
    production_rules, session, client, admin, api_token, url, said
):
    answer = client.post(
        "/api/v1/admin/subscribers", json={**GOOD, "url": url}, headers=api_token(admin)
    )
    messages = refused(answer, "url")
    assert any(said in m for m in messages), messages
    assert stored(session) == 0


def test_production_allows_a_public_https_address_and_a_named_internal_network(
    production_rules, session, client, admin, api_token
):
    headers = api_token(admin)
    public = client.post(
        "/api/v1/admin/subscribers",
        json={**GOOD, "url": "https://93.184.215.14/e"},
        headers=headers,
    )
    assert public.status_code == 201, public.json
    production_rules.config["EVENTS_ALLOWED_NETWORKS"] = ["10.20.0.0/16"]
    inside = client.post(
        "/api/v1/admin/subscribers", json={**GOOD, "url": "https://10.20.1.5/e"}, headers=headers
    )
    assert inside.status_code == 201, inside.json
    outside = client.post(
        "/api/v1/admin/subscribers", json={**GOOD, "url": "https://10.21.1.5/e"}, headers=headers
    )
    refused(outside, "url")
    assert stored(session) == 2


def test_an_idn_host_is_kept_in_its_ascii_form(session, client, admin, api_token):
    answer = client.post(
        "/api/v1/admin/subscribers",
        json={**GOOD, "url": "https://zaken.gemeente-súdwest.nl/events?x=1"},
        headers=api_token(admin),
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["url"] == "https://zaken.xn--gemeente-sdwest-cvb.nl/events?x=1"


@pytest.mark.parametrize(
    ("types", "said"),
    [
        (["nl.faunaschade.claim.bestaat-niet"], "Onbekende soort gebeurtenis"),
        (["<script>alert(1)</script>"], "Onbekende soort gebeurtenis"),
        ([], "ten minste één"),
        ([TYPES[0], TYPES[0]], "één keer"),
        ("nl.faunaschade.claim.created", "lijst"),
        ({"type": TYPES[0]}, "lijst"),
        (42, "lijst"),
        (None, "verplicht"),
        ([1, 2], "tekst"),
        ([None], "verplicht"),
        ([["nl.faunaschade.claim.created"]], "tekst"),
    ],
)
def test_bad_event_types_are_refused_by_field(session, client, admin, api_token, types, said):
    answer = client.post(
        "/api/v1/admin/subscribers", json={**GOOD, "event_types": types}, headers=api_token(admin)
    )
    messages = refused(answer, "event_types")
    assert any(said in m for m in messages), messages
    assert stored(session) == 0


@pytest.mark.parametrize("active", ["yes", "true", 1, 0, "on", None, [], {}, "misschien"])
def test_active_must_be_true_or_false(session, client, admin, api_token, active):
    answer = client.post(
        "/api/v1/admin/subscribers", json={**GOOD, "active": active}, headers=api_token(admin)
    )
    messages = refused(answer, "active")
    assert any("true of false" in m or "verplicht" in m for m in messages), messages
    assert stored(session) == 0


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("", "1 tot 120"),
        ("   ", "1 tot 120"),
        ("x" * 121, "1 tot 120"),
        (12, "tekst"),
        ("regel\nregel", "stuurtekens"),
        (None, "verplicht"),
    ],
)
def test_a_bad_name_is_refused(session, client, admin, api_token, name, said):
    answer = client.post(
        "/api/v1/admin/subscribers", json={**GOOD, "name": name}, headers=api_token(admin)
    )
    messages = refused(answer, "name")
    assert any(said in m for m in messages), messages
    assert stored(session) == 0


def test_unknown_fields_and_a_secret_of_ones_own_are_refused(session, client, admin, api_token):
    answer = client.post(
        "/api/v1/admin/subscribers", json={**GOOD, "secret": "mijn-eigen"}, headers=api_token(admin)
    )
    refused(answer, "secret")
    not_an_object = client.post(
        "/api/v1/admin/subscribers", json=["lijst"], headers=api_token(admin)
    )
    assert not_an_object.status_code == 422
    assert stored(session) == 0


def test_a_change_with_bad_input_changes_nothing(session, client, admin, api_token):
    headers = api_token(admin)
    made = client.post("/api/v1/admin/subscribers", json=GOOD, headers=headers).json
    before = audited(session)
    for change, field in [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": LONG_URL}, "url"),
        ({"event_types": []}, "event_types"),
        ({"event_types": ["onbekend"]}, "event_types"),
        ({"active": "nee"}, "active"),
        ({"name": " "}, "name"),
        ({"name": "Nieuw", "url": "ftp://x.nl/"}, "url"),  # one bad field: the good one waits
    ]:
        answer = client.patch(
            f"/api/v1/admin/subscribers/{made['id']}", json=change, headers=headers
        )
        refused(answer, field)
    now = client.get(f"/api/v1/admin/subscribers/{made['id']}", headers=headers).json
    assert (now["name"], now["url"], now["event_types"], now["active"]) == (
        GOOD["name"],
        GOOD["url"],
        TYPES,
        True,
    )
    assert audited(session) == before


def test_the_page_shows_errors_in_place_and_keeps_the_input(app, session, admin):
    browser = web_login(app, admin.email)
    page = browser.get("/koppelingen").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token_from(page),
        "name": "Zaaksysteem <b>Drenthe</b>",
        "url": "javascript:alert(1)",
        "event_types": ["nl.faunaschade.claim.created", "nl.faunaschade.onzin"],
        "active": "on",
    }
    answer = browser.post("/koppelingen", data=form)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'class="error-summary"' in html and "data-focus-on-load" in html
    # The first problem found is the URL's; the kept input is escaped, never markup.
    assert (
        'href="#f-url"' in html and "Gebruik een adres dat met https:// of http:// begint." in html
    )
    assert 'value="javascript:alert(1)"' in html
    assert "Zaaksysteem &lt;b&gt;Drenthe&lt;/b&gt;" in html and "<b>Drenthe</b>" not in html
    assert 'aria-invalid="true"' in html
    assert stored(session) == 0

    form["url"] = "https://zaken.example.nl/events"
    answer = browser.post("/koppelingen", data=form)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'href="#t-1"' in html and "Onbekend: nl.faunaschade.onzin." in html
    assert 'value="https://zaken.example.nl/events"' in html
    assert 'value="nl.faunaschade.claim.created" checked' in html  # the choice is kept

    form["event_types"] = []
    html = browser.post("/koppelingen", data=form).get_data(as_text=True)
    assert "Kies ten minste één soort gebeurtenis." in html
    form["url"] = "https://zaken.example.nl/" + "a" * 6000  # the page keeps 5000, refuses
    form["event_types"] = TYPES
    answer = browser.post("/koppelingen", data=form)
    assert answer.status_code == 422 and "Gebruik 1 tot 2000 tekens." in answer.get_data(True)
    assert stored(session) == 0


def test_the_settings_form_on_the_subscriber_page_refuses_in_place(
    app, session, admin, api_token, client
):
    made = client.post("/api/v1/admin/subscribers", json=GOOD, headers=api_token(admin)).json
    browser = web_login(app, admin.email)
    page = browser.get(f"/koppelingen/{made['id']}").get_data(as_text=True)
    answer = browser.post(
        f"/koppelingen/{made['id']}",
        data={
            "csrf_token": csrf_token_from(page),
            "name": "x" * 400,
            "url": GOOD["url"],
            "event_types": TYPES,
        },
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'href="#f-name"' in html and "Gebruik 1 tot 120 tekens." in html
    session.expire_all()
    assert session.get(Subscriber, made["id"]).name == GOOD["name"]


def test_delivery_checks_the_address_again(production_rules):
    """A subscriber stored under other settings (or a name that now points inside) is not
    posted to: the attempt fails with the reason, no connection is made."""
    with production_rules.app_context():
        post = sending.post
        assert post("http://zaken.example.nl/e", b"{}", {}, 1) == (
            "refused: http is not allowed here (https only)"
        )
        assert post("https://127.0.0.1:9/e", b"{}", {}, 1) == (
            "refused: 127.0.0.1 has the internal address 127.0.0.1"
        )
        assert post("https://localhost:9/e", b"{}", {}, 1).startswith(
            "refused: localhost has the internal address"
        )
