"""English is complete: the catalogue translates every message id the code and templates use,
and with English chosen the pages of every role speak English (Dutch stays the default).

The message ids come from Babel's own extraction with babel.cfg's mapping (the same as
`pybabel extract -F babel.cfg`), so a string wrapped in `_()`, `gettext`, `_l`/`lazy_gettext`,
`N_` or a `{% trans %}` block anywhere in faunaschade/ or templates/ is checked.
Letters are legal documents and stay Dutch: their templates carry no message ids.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import select

from faunaschade.claims.livestock import record_wolf_finding, report_livestock_damage
from faunaschade.clock import AMSTERDAM, today
from faunaschade.decisions.operations import propose_decision
from faunaschade.models import Assessment, AssessmentStatus, ClaimStatus, FarmerProfile
from faunaschade.models.base import utcnow
from faunaschade.reports import operations as reports
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.decisions import assessed_claim
from tests.support.farmers import registration

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "faunaschade" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _used_message_ids() -> dict[str | tuple[str, ...], list[str]]:
    """msgid (a tuple for plurals) -> where it is used, by Babel's extraction with babel.cfg."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))
    used: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        used.setdefault(message, []).append(f"{filename}:{lineno}")
    return used


@pytest.fixture(scope="module")
def used():
    return _used_message_ids()


@pytest.fixture(scope="module")
def catalogue():
    with CATALOGUE.open("rb") as po:
        return read_po(po, locale="en")


@pytest.mark.sqlite_pass_only
def test_extraction_covers_python_pages_and_mails(used):
    places = {place.split(":")[0] for where in used.values() for place in where}
    assert any(p.startswith("faunaschade/") for p in places)
    assert any(p.startswith("templates/mail/") for p in places), "babel.cfg misses the e-mails"
    # lazy_gettext (as _l) marks form labels: babel.cfg must name it as a keyword.
    assert any(p == "faunaschade/web/forms.py" for p in places)
    assert not any(p.startswith("templates/letters/") for p in places), "letters stay Dutch"


@pytest.mark.sqlite_pass_only
def test_english_catalogue_translates_every_used_message_id(used, catalogue):
    missing, empty, fuzzy, placeholders = [], [], [], []
    for msgid, where in sorted(used.items(), key=lambda kv: str(kv[0])):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = catalogue.get(key)
        label = f"{key!r} ({where[0]})"
        if entry is None:
            missing.append(label)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(s.strip() for s in strings):
            empty.append(label)
        if entry.fuzzy:
            fuzzy.append(label)
        wanted = set(PLACEHOLDER.findall(key))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            placeholders.append(label)
    assert missing == [], f"{len(missing)} message ids not in the English catalogue"
    assert empty == [], f"{len(empty)} message ids with an empty English translation"
    assert fuzzy == [], "fuzzy translations are not used: check and unmark them"
    assert placeholders == [], "the translation must keep the message id's %(name)s fields"


# -- The pages with English chosen ---------------------------------------------------------

#: Dutch words that an English page must not show: the function words of any Dutch sentence
#: and the words of the navigation and the forms. (Not words that are English too: in, op, is…)
_WORDS = """
    de het een van uw niet voor naar met bij zijn wordt worden deze dit geen nog als maar ook
    wat welke kunt heeft hebt u mijn alle
    aanvraag aanvragen aanvrager perceel percelen opslaan indienen terug annuleren taxatie
    taxaties taxateur schade teelt provincie provincies uitloggen inloggen wachtwoord
    statistieken werkvoorraad betaalbatch betaalbatches overzicht welkom rol gebruik
    oppervlakte naam datum ja nee kies toevoegen wijzigen melden dieren leges bezoek bezoeken
    regel opmerkingen gebeurtenissen pagina vorige volgende filteren totaal uitbetaald
    toegekend afgewezen ingediend besluit eigendom pacht huur fout controleer velden
    januari februari maart mei juni juli augustus oktober dagen registreren
"""
DUTCH = set(_WORDS.split())
#: Dutch by design (README, Languages): the rules engine's calculation steps (the rows of the
#: proposal's calculation and of the officer's preview) are the legal calculation, and the
#: reason stored with a status change (timeline, audit log) is shown as it was written.
_CALCULATION_ROWS = re.compile(
    r'(<table class="(?:calculation|engine-preview)">.*?<tbody>).*?(</tbody>)', re.S
)
STORED_REASONS = ("Melding schade aan landbouwhuisdieren ontvangen", "Besluit voorgesteld")


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and the labelling attributes."""

    SPOKEN = ("aria-label", "placeholder", "title", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def dutch_words(html: str, allowed: tuple[str, ...] = ()) -> list[str]:
    parser = _VisibleText()
    parser.feed(_CALCULATION_ROWS.sub(r"\1\2", html))
    text = " ".join(parser.parts)
    for phrase in (*allowed, *STORED_REASONS):
        text = text.replace(phrase, " ")
    text = text.replace("Nederlands", " ")  # the switch back names its language in Dutch
    words = re.findall(r"\w+", text)  # "BIJ12" (a name) is one word, not "bij"
    return sorted({w for w in words if w.lower() in DUTCH})


def _where_dutch(html: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """The visible text pieces that hold a Dutch word (for the failure message)."""
    parser = _VisibleText()
    parser.feed(html)
    return [p.strip() for p in parser.parts if dutch_words(f"<p>{p}</p>", allowed)]


def _log_in_english(client, user) -> None:
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    client.post("/taal/en", data={"csrf_token": token, "next": "/login"})
    if user is not None:
        answer = client.post(
            "/login", data={"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 302, answer.get_data(as_text=True)


def _wolf_claim(session, farmer, officer, *, finding: str | None = None):
    """A Drenthe wolf report of this morning; with `finding`, the officer's outcome recorded."""
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    found = (utcnow() - timedelta(hours=3)).astimezone(AMSTERDAM)
    data = {"province": "DR", "discovered_at": found, "species": ["wolf"], "animals": 3}
    claim = report_livestock_damage(profile, {**data, "description": "Drie ooien."}, farmer)
    if finding:
        record_wolf_finding(claim, officer, finding, today(), "")
    session.flush()
    return claim


@pytest.fixture
def world(session, farmer, officer, assessor, auditor, admin):
    """A Drenthe claim whose assessment is open (ordered), with people of every role."""
    claim = assessed_claim(session, farmer, officer, assessor)
    claim.status = ClaimStatus.ASSESSMENT_ORDERED
    claim.zienswijze_deadline = None
    assessment = session.scalar(select(Assessment).where(Assessment.claim_id == claim.id))
    assessment.status = AssessmentStatus.ORDERED
    assessment.submitted_at = None
    assessment.due_on = today() + timedelta(days=5)
    session.flush()
    submitted = assessed_claim(session, farmer, officer, assessor)
    submitted.status = ClaimStatus.SUBMITTED
    answerable = assessed_claim(session, farmer, officer, assessor)  # zienswijze window open
    answerable.zienswijze_deadline = today() + timedelta(days=5)
    session.flush()
    assessed = assessed_claim(session, farmer, officer, assessor)  # ready for a proposal
    proposed = assessed_claim(session, farmer, officer, assessor)
    propose_decision(proposed, officer)
    session.flush()
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    row = claim.parcels[0]
    melding = {
        "province": "DR",
        "discovered_on": today(),
        "species": ["das"],
        "parcels": [{"parcel_id": row.parcel_id, "damaged_area_ha": row.damaged_area_ha,
                     "area_type": "regular"}],
    }  # fmt: skip
    report = reports.create_report(profile, melding, farmer)
    converted = reports.create_report(profile, melding, farmer)
    from_report = reports.convert_report(converted, farmer)
    session.flush()
    return {
        "report": report,
        "converted": converted,
        "from_report": from_report,
        "farmer": farmer,
        "officer": officer,
        "assessor": assessor,
        "auditor": auditor,
        "admin": admin,
        "claim": claim,
        "submitted": submitted,
        "answerable": answerable,
        "assessment": assessment,
        "assessed": assessed,
        "proposed": proposed,
        "wolf": _wolf_claim(session, farmer, officer),
        "wolf_found": _wolf_claim(session, farmer, officer, finding="probable"),
    }


#: (who, how the page is reached, phrases still allowed)
PAGES = [
    ("anonymous", "/login", ()),
    ("anonymous", "/bestaat-niet", ()),
    ("anonymous", "/registreren", ()),
    ("farmer", "/aanvragen", ()),
    ("farmer", "/percelen", ()),
    ("farmer", "/percelen/nieuw", ()),
    ("farmer", "/aanvragen/wolf", ()),
    ("farmer", "/aanvragen/{answerable}/zienswijze", ()),
    ("farmer", "/aanvragen/nieuw", ()),
    ("farmer", "/aanvragen/{claim}/bewerken", ()),
    ("farmer", "/aanvragen/{claim}", ()),
    ("farmer", "/aanvragen/{answerable}", ()),
    ("farmer", "/aanvragen/{wolf}", ()),
    ("farmer", "/aanvragen/{wolf_found}", ()),
    ("assessor", "/aanvragen/{claim}", ()),
    ("assessor", "/taxaties", ()),
    ("assessor", "/taxaties/{assessment}", ()),
    ("officer", "/aanvragen", ()),
    ("officer", "/behandeling", ()),
    ("officer", "/behandeling?awaiting_my_approval=1&overdue=1", ()),
    ("officer", "/aanvragen/{submitted}/taxatie-opdragen", ()),
    ("officer", "/aanvragen/{submitted}/aanvulling-vragen", ()),
    ("officer", "/aanvragen/{claim}", ()),
    ("officer", "/aanvragen/{submitted}", ()),
    ("officer", "/aanvragen/{assessed}", ()),
    ("officer", "/aanvragen/{proposed}", ()),
    ("officer", "/aanvragen/{wolf}", ()),
    ("officer", "/aanvragen/{wolf_found}", ()),
    ("officer", "/betaalbatches", ()),
    ("officer", "/statistieken", ()),
    ("auditor", "/statistieken", ()),
    ("auditor", "/auditlog", ()),
    ("auditor", "/aanvragen/{proposed}", ()),
    ("auditor", "/aanvragen/{wolf_found}", ()),
    ("admin", "/", ()),
    ("admin", "/auditlog", ()),
    ("farmer", "/meldingen", ()),
    ("farmer", "/meldingen/nieuw", ()),
    ("farmer", "/meldingen/{report}", ()),
    ("farmer", "/meldingen/{converted}", ()),
    ("farmer", "/aanvragen/{from_report}", ()),
    ("officer", "/meldingen", ()),
    ("officer", "/meldingen/{report}", ()),
    ("auditor", "/meldingen?species=das", ()),
]


@pytest.mark.parametrize(("who", "path", "allowed"), PAGES, ids=[f"{w} {p}" for w, p, _ in PAGES])
def test_pages_speak_english_when_english_is_chosen(client, world, who, path, allowed):
    _log_in_english(client, world.get(who))
    url = path.format(**{name: getattr(thing, "id", None) for name, thing in world.items()})
    answer = client.get(url)
    assert answer.status_code == (404 if "bestaat" in url else 200)
    html = answer.get_data(as_text=True)
    assert 'lang="en"' in html
    assert dutch_words(html, allowed) == [], _where_dutch(html, allowed)


def test_forms_with_errors_speak_english(client, world):
    _log_in_english(client, None)
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    wrong = client.post(
        "/login", data={"email": "x@example.nl", "password": "no", "csrf_token": token}
    )
    assert wrong.status_code == 401
    assert dutch_words(wrong.get_data(as_text=True)) == []
    assert "Incorrect e-mail address or password." in wrong.get_data(as_text=True)

    _log_in_english(client, world["farmer"])
    token = csrf_token_from(client.get("/percelen/nieuw").get_data(as_text=True))
    refused = client.post("/percelen/nieuw", data={"csrf_token": token, "area_ha": "veel"})
    assert refused.status_code == 422
    assert dutch_words(refused.get_data(as_text=True)) == []


def test_dutch_stays_the_default(client, farmer):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="nl"' in html and ">Inloggen</button>" in html
    assert "Nog geen account?" in html


def test_registration_queue_and_zienswijze_refusals_speak_english(client, world):
    _log_in_english(client, None)
    token = csrf_token_from(client.get("/registreren").get_data(as_text=True))
    bad = registration(kvk="123", iban="NL00", postcode="12", phone="12", password="kort")
    refused = client.post("/registreren", data={**bad, "csrf_token": token})
    assert refused.status_code == 422
    assert dutch_words(refused.get_data(as_text=True)) == []
    assert "Check these fields" in refused.get_data(as_text=True)

    accepted = client.post("/registreren", data={**registration(), "csrf_token": token})
    assert accepted.status_code == 302
    html = client.get(accepted.headers["Location"]).get_data(as_text=True)
    assert "Your registration has been received." in html and dutch_words(html) == []

    _log_in_english(client, world["officer"])
    wrong_filter = client.get("/behandeling?status=zoek&province=XX&page=0")
    assert wrong_filter.status_code == 422
    assert dutch_words(wrong_filter.get_data(as_text=True)) == []

    _log_in_english(client, world["farmer"])
    url = f"/aanvragen/{world['answerable'].id}/zienswijze"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    empty = client.post(url, data={"text": " ", "csrf_token": token})
    assert empty.status_code == 422
    assert dutch_words(empty.get_data(as_text=True)) == []


def test_claim_form_and_decision_refusals_speak_english(client, world):
    _log_in_english(client, world["farmer"])
    token = csrf_token_from(client.get("/aanvragen/nieuw").get_data(as_text=True))
    parcel = world["claim"].parcels[0].parcel_id
    typed = {
        "discovered_on": "morgen",
        "species": "ree",
        f"include_{parcel}": "1",
        f"damaged_area_{parcel}": "veel",
        "csrf_token": token,
    }
    refused = client.post("/aanvragen/nieuw", data=typed)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert dutch_words(html) == [] and "Check these fields" in html

    _log_in_english(client, world["officer"])
    url = f"/aanvragen/{world['assessed'].id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    rejected = client.post(
        f"{url}/voorstel", data={"decision": "reject", "reduction_pct": "veel", "csrf_token": token}
    )
    assert rejected.status_code == 422
    html = rejected.get_data(as_text=True)
    assert 'id="voorstel-errors"' in html
    assert dutch_words(html) == []

    url = f"/aanvragen/{world['wolf'].id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    no_date = {"finding": "certain", "visited_on": "", "csrf_token": token}
    refused = client.post(f"{url}/dna-uitkomst", data=no_date, follow_redirects=True)
    assert dutch_words(refused.get_data(as_text=True)) == []
    token = csrf_token_from(refused.get_data(as_text=True))
    done = {"finding": "certain", "visited_on": today().isoformat(), "csrf_token": token}
    recorded = client.post(f"{url}/dna-uitkomst", data=done, follow_redirects=True)
    assert dutch_words(recorded.get_data(as_text=True)) == []


def test_api_shared_messages_speak_english(client):
    answer = client.post("/api/v1/register?lang=en", json=registration())
    assert answer.status_code == 202, answer.json
    assert answer.json["message"].startswith("Your registration has been received.")
    dutch = client.post("/api/v1/register", json=registration(email="b@example.nl"))
    assert dutch.json["message"].startswith("Uw registratie is ontvangen.")
    # The API's own refusals too: a reused Idempotency-Key with another body.
    key = {"Idempotency-Key": "k-1"}
    client.post("/api/v1/register?lang=en", json=registration(email="c@example.nl"), headers=key)
    reused = client.post(
        "/api/v1/register?lang=en", json=registration(email="d@example.nl"), headers=key
    )
    assert reused.status_code == 422
    error = reused.json["error"]
    assert error["message"] == "This Idempotency-Key has already been used for a different request."
    assert error["fields"]["Idempotency-Key"] == ["Use a new key for a different request."]
