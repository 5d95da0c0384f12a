"""Accessibility: axe-core (WCAG 2.1 AA) over every web page of every role; a keyboard-only claim.

The pages come from app.url_map: every GET rule of the web blueprints (not the API, static files
or downloads), filled in with a claim in every status, the assessments, parcels, payment batches
and the test payment of a seeded demo world. axe-core is vendored in ./a11y/ (see README).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from faunaschade import clock
from faunaschade.accounts.users import create_user
from faunaschade.autotax import runs
from faunaschade.cli.demo import DEMO_PASSWORD, seed_users
from faunaschade.extensions import db
from faunaschade.letters.verification import Verdict
from faunaschade.models import (
    Assessment,
    AssessmentStatus,
    Attachment,
    AttachmentKind,
    Authorisation,
    AuthorisationSource,
    Claim,
    ClaimParcel,
    ClaimStatus,
    FarmerProfile,
    Letter,
    LetterCheck,
    LetterCheckStatus,
    LetterKind,
    LetterStatus,
    LivestockItem,
    Parcel,
    Payment,
    PaymentBatch,
    Role,
    Tenure,
    User,
)
from faunaschade.reports import operations as reports
from faunaschade.seed import seed_claims
from faunaschade.storage import store_bytes
from tests.plugins.people import user_maker
from tests.support.autotax import YEAR as AUTOTAX_YEAR
from tests.support.autotax import world as autotax_world
from tests.support.farmers import jpeg_bytes, recent_workday

# What axe-core checks is the pages' markup, the same on either database: checked once.
pytestmark = [pytest.mark.browser, pytest.mark.postgres_pass_only]

AXE = Path(__file__).parent / "a11y" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Who looks at the pages (None: not logged in).
ROLES = {
    "anonymous": None,
    "farmer": "boer@demo.faunaschade.nl",
    "assessor": "taxateur@demo.faunaschade.nl",
    "officer": "behandelaar-a@demo.faunaschade.nl",
    "auditor": "controleur@demo.faunaschade.nl",
    "admin": "beheerder@demo.faunaschade.nl",
}
#: GET rules that are downloads, not pages.
DOWNLOADS = {
    "claims_web.attachment",
    "claims_web.thumbnail",
    "letters_web.download",
    "payouts_web.download",
    "audit_web.export",
    "statistics_web.export",
    "authorisations_web.scan",
}
OFFICER_PROVINCES = ("FR", "NH", "DR")

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 160)),
  }));
}"""


def web_get_rules(app) -> list:
    """The GET rules of the web blueprints that render a page."""
    rules = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in DOWNLOADS:
            continue
        if rule.rule.startswith(("/api/", "/static/", "/healthz")):
            continue
        rules.append(rule)
    return sorted(rules, key=lambda r: r.rule)


def build_world(app) -> dict[str, list[dict]]:
    """Demo users, ~150 seeded claims; the demo farmer owns a claim in every status."""
    with app.app_context():
        seed_users()
        seed_claims(150, password=DEMO_PASSWORD)
        session = db.session
        demo_farmer = session.scalar(
            select(FarmerProfile)
            .join(User, User.id == FarmerProfile.user_id)
            .where(User.email == ROLES["farmer"])
        )
        demo_assessor = session.scalar(select(User.id).where(User.email == ROLES["assessor"]))
        claims: list[Claim] = []
        for status in ClaimStatus:
            candidates = session.scalars(
                select(Claim).where(Claim.status == status).order_by(Claim.id)
            ).all()
            in_scope = [c for c in candidates if c.province in OFFICER_PROVINCES]
            if in_scope or candidates:
                claims.append((in_scope or candidates)[0])
        # A livestock claim whose assessment counts animals (its table is a claim page's widest),
        # whatever the statuses' first claims are on the day the suite runs.
        with_animals = (
            select(Claim)
            .join(Assessment, Assessment.claim_id == Claim.id)
            .join(LivestockItem, LivestockItem.assessment_id == Assessment.id)
            .where(Claim.id.not_in([c.id for c in claims]))
            .order_by(Claim.province.in_(OFFICER_PROVINCES).desc(), Claim.id)
            .limit(1)
        )
        animals_claim = session.scalar(with_animals)
        assert animals_claim is not None, "the seed made no livestock claim with animals"
        claims.append(animals_claim)
        # The demo farmer owns them (and their parcels), so every role sees each status.
        ids = [c.id for c in claims]
        parcel_ids = session.scalars(
            select(ClaimParcel.parcel_id).where(ClaimParcel.claim_id.in_(ids))
        ).all()
        session.execute(update(Claim).where(Claim.id.in_(ids)).values(farmer_id=demo_farmer.id))
        session.execute(
            update(Parcel).where(Parcel.id.in_(parcel_ids)).values(farmer_id=demo_farmer.id)
        )
        # A photo on each (its thumbnail on the claim pages).
        for claim in claims:
            session.add(
                Attachment(
                    claim_id=claim.id,
                    kind=AttachmentKind.PHOTO,
                    filename="Schade aan het gras.jpg",
                    content_type="image/jpeg",
                    file_id=store_bytes(jpeg_bytes(), "image/jpeg").id,
                    uploaded_by=demo_farmer.user_id,
                )
            )
        # Letters in every rendering state on a decided claim.
        decided = next(c for c in claims if c.status == ClaimStatus.DECIDED)
        for n, status in enumerate(LetterStatus):
            session.add(
                Letter(
                    claim_id=decided.id,
                    kind=list(LetterKind)[n],
                    subject_key=f"a11y:{decided.id}:{n}",
                    status=status,
                    error="Renderfout (test)" if status == LetterStatus.FAILED else None,
                )
            )
        assessments = []
        for status in AssessmentStatus:
            found = session.scalar(
                select(Assessment)
                .where(Assessment.status == status, Assessment.claim_id.in_(ids))
                .order_by(Assessment.id)
            ) or session.scalar(
                select(Assessment).where(Assessment.status == status).order_by(Assessment.id)
            )
            if found is not None:
                found.assessor_id = demo_assessor
                assessments.append(found.id)
        batches = []
        for batch in session.scalars(select(PaymentBatch).order_by(PaymentBatch.id)):
            if batch.status not in {b.status for b in batches}:
                batches.append(batch)
        awaiting = [c.id for c in claims if c.status == ClaimStatus.AWAITING_PAYMENT]
        payment_refs = session.scalars(
            select(Payment.provider_ref).where(Payment.claim_id.in_(awaiting))
        ).all()
        parcel = session.scalar(
            select(Parcel.id).where(Parcel.farmer_id == demo_farmer.id).order_by(Parcel.id)
        )
        report_ids = _meldingen(session, demo_farmer)
        _authorisations(session, demo_farmer, decided)
        run_id = _autotax_run(session)
        subscriber_ids = _subscriber(session, decided)
        tokens = _letter_checks(session)
        session.commit()
        return {
            "token": tokens,
            "run_id": [run_id],
            "profile_id": [demo_farmer.id],
            "report_id": report_ids,
            "claim_id": ids,
            "assessment_id": assessments,
            "batch_id": [b.id for b in batches],
            "ref": list(payment_refs),
            "parcel_id": [parcel],
            "subscriber_id": subscriber_ids,
        }


def _subscriber(session, claim: Claim) -> list[int]:
    """A subscriber (koppeling) with a delivered and a failed delivery (its retry button)."""
    from faunaschade.events.secret_box import seal
    from faunaschade.models import DeliveryStatus, Event, EventDelivery, Subscriber

    subscriber = Subscriber(
        name="Zaaksysteem (a11y)",
        url="https://zaken.example.nl/events",
        event_types=["nl.faunaschade.claim.created", "nl.faunaschade.claim.decided"],
        secret_sealed=seal("x" * 43),
    )
    session.add(subscriber)
    session.flush()
    for sequence, status in enumerate([DeliveryStatus.DELIVERED, DeliveryStatus.FAILED], 1):
        event = Event(
            event_id=f"00000000-0000-4000-8000-00000000a11{sequence}",
            type="nl.faunaschade.claim.decided",
            subject=claim.reference,
            sequence=sequence,
            time=claim.created_at,
            claim_id=claim.id,
            body="{}",
        )
        session.add(event)
        session.flush()
        session.add(
            EventDelivery(
                subscriber_id=subscriber.id,
                event_id=event.id,
                subject=claim.reference,
                sequence=sequence,
                status=status,
                attempts=2,
                dispatches=1,
                last_error="HTTP 500: nope!" if status == DeliveryStatus.FAILED else None,
                delivered_at=claim.created_at if status == DeliveryStatus.DELIVERED else None,
            )
        )
    return [subscriber.id]


def _letter_checks(session) -> list[str]:
    """Public letter checks: one waiting for the worker, one answered, one that broke."""
    verdict = Verdict(
        ours=False,
        unchanged=False,
        signed=True,
        intact=False,
        outcome="changed",
        sha256="0" * 64,
        signer="Faunaschade ontwikkelcertificaat (niet voor productie)",
        signed_at="2026-12-07T10:00:00+00:00",
        letter=None,
    )
    rows = [
        LetterCheck(token="a11y-pending", sha256="0" * 64, status=LetterCheckStatus.PENDING),
        LetterCheck(
            token="a11y-done",
            sha256="0" * 64,
            status=LetterCheckStatus.DONE,
            result=verdict.to_json(),
        ),
        LetterCheck(token="a11y-failed", sha256="0" * 64, status=LetterCheckStatus.FAILED),
    ]
    session.add_all(rows)
    return [row.token for row in rows]


def _meldingen(session, farmer: FarmerProfile) -> list[int]:
    """Two meldingen of the demo farmer on one of its own (not rented) parcels: one as
    reported, one turned into a claim."""
    parcel = session.scalar(
        select(Parcel)
        .where(Parcel.farmer_id == farmer.id, Parcel.tenure != Tenure.RENT)
        .order_by(Parcel.id)
    )
    user = session.get(User, farmer.user_id)
    body = {
        "province": parcel.province or "FR",
        "crop": parcel.crop,
        "discovered_on": recent_workday(),
        "species": ["grauwe_gans", "brandgans"],
        "parcels": [
            {
                "parcel_id": parcel.id,
                "damaged_area_ha": (parcel.area_ha / 2).quantize(Decimal("0.0001")),
                "area_type": "regular",
            }
        ],
        "estimated_damage": Decimal("1250.00"),
        "note": "Ganzen op het land.",
    }
    made = [reports.create_report(farmer, body, user) for _ in range(2)]
    reports.convert_report(made[1], user)
    session.flush()
    return [report.id for report in made]


def _authorisations(session, farmer: FarmerProfile, claim: Claim) -> None:
    """The demo farmer authorised another farmer for all claims and (written, recorded by an
    officer) for one claim, so the machtigingen pages show both kinds."""
    others = session.scalars(
        select(User)
        .where(User.role == Role.FARMER, User.id != farmer.user_id)
        .order_by(User.id)
        .limit(2)
    ).all()
    officer = session.scalar(select(User).where(User.email == ROLES["officer"]))
    session.add_all(
        [
            Authorisation(
                farmer_id=farmer.id,
                representative_id=others[0].id,
                valid_from=clock.today(),
                source=AuthorisationSource.ONLINE,
                created_by=farmer.user_id,
            ),
            Authorisation(
                farmer_id=farmer.id,
                representative_id=others[1].id,
                claim_id=claim.id,
                valid_from=clock.today() - timedelta(days=30),
                valid_until=clock.today() + timedelta(days=300),
                source=AuthorisationSource.WRITTEN,
                document_date=clock.today() - timedelta(days=31),
                created_by=officer.id,
            ),
        ]
    )


def _autotax_run(session) -> int:
    """An autotax run in Fryslân (the tests' foraging area and registered parcels), started by
    the demo officer, its sample assigned to the demo assessor."""
    patch = pytest.MonkeyPatch()
    autotax_world(session, user_maker(session, first=9000), patch)
    params = runs.RunParameters("FR", AUTOTAX_YEAR, assessor_email=ROLES["assessor"], seed=20260315)
    officer = session.scalar(select(User).where(User.email == ROLES["officer"]))
    return runs.start_run(params, officer).id


def candidate_urls(app, world) -> list[tuple[str, str]]:
    """(endpoint, path) for every page rule, with every world value for its argument."""
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in web_get_rules(app):
            args = [a for a in rule.arguments if a not in (rule.defaults or {})]
            if not args:
                urls.append((rule.endpoint, url_for(rule.endpoint, **(rule.defaults or {}))))
                continue
            assert len(args) == 1 and args[0] in world, f"no test values for {rule.rule}"
            for value in world[args[0]]:
                urls.append((rule.endpoint, url_for(rule.endpoint, **{args[0]: value})))
    return urls


def login(context, base: str, email: str | None):
    page = context.new_page()
    page.goto(f"{base}/login")
    if email:
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, f"login failed for {email}"
    return page


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def openable_pages(context, base: str, urls, endpoints_seen: set, downloads: set) -> list:
    """The (endpoint, path) this user gets as an HTML page with 200, each final URL once."""
    targets: list[tuple[str, str]] = []
    seen_final: set[str] = set()
    for endpoint, path in urls:
        response = context.request.get(f"{base}{path}")
        final = response.url.split("?")[0]
        if response.status == 200 and "text/html" not in response.headers["content-type"]:
            downloads.add(endpoint)  # a file, not a page
            continue
        if response.status != 200 or final in seen_final:
            continue
        seen_final.add(final)
        if final == f"{base}{path}":
            endpoints_seen.add(endpoint)
        targets.append((endpoint, path))
    return targets


def assert_axe_finds_a_planted_violation(page) -> None:
    """axe really runs: an image without alt text on the login page is reported."""
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in [v["id"] for v in axe_violations(page)]
    page.reload()


def test_every_page_of_every_role_has_no_wcag_21_aa_violations(browser, live_server, committed):
    started = time.perf_counter()
    world = build_world(committed)
    urls = candidate_urls(committed, world)
    checked: dict[str, list[str]] = defaultdict(list)
    endpoints_seen: set[str] = set()
    downloads: set[str] = set()
    problems: list[str] = []

    def check(page, role: str, label: str) -> None:
        for v in axe_violations(page):
            problems.append(f"[{role}] {label}: {v['id']} ({v['impact']}) {v['help']}")
            problems.extend(f"      {node}" for node in v["nodes"])
        checked[role].append(label)

    for role, email in ROLES.items():
        # axe is injected as a script tag; the CSP (script-src 'self') would block it.
        context = browser.new_context(locale="nl-NL", bypass_csp=True)
        page = login(context, live_server, email)
        targets = openable_pages(context, live_server, urls, endpoints_seen, downloads)
        if role == "anonymous":
            assert_axe_finds_a_planted_violation(page)
        for language in ("nl", "en"):
            done: set[str] = set()
            for endpoint, path in targets:
                # In English each page once (the words change, not the markup per status).
                if language == "en" and endpoint in done:
                    continue
                done.add(endpoint)
                page.goto(f"{live_server}{path}")
                check(page, role, f"{language} {path}")
            page.goto(f"{live_server}/pagina-bestaat-niet")
            check(page, role, f"{language} 404")
            if language == "nl":
                page.get_by_role("button", name="English").click()
                page.wait_for_load_state()
                assert page.locator("html").get_attribute("lang") == "en"
        context.close()

    missing = {r.endpoint for r in web_get_rules(committed)} - endpoints_seen - downloads
    assert not missing, f"pages no role could open (give the world data for them): {missing}"
    total = sum(len(pages) for pages in checked.values())
    per_role = ", ".join(f"{role} {len(pages)}" for role, pages in checked.items())
    print(
        f"\naxe-core WCAG 2.1 AA: {total} page views (Dutch and English) over {len(checked)} "
        f"roles ({per_role}), {len(endpoints_seen)} page endpoints, "
        f"in {time.perf_counter() - started:.0f} s"
    )
    assert not problems, "axe-core violations:\n" + "\n".join(problems)


# --- keyboard only --------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el) return '';
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  return [el.id, (el.innerText || el.value || '').trim(), label.trim()].join('|');
}"""


def tab_to(page, text: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the focused element's id, text or label contains `text`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if any(text in part for part in page.evaluate(FOCUSED).split("|")):
            return
    raise AssertionError(f"Tab never reached {text!r} on {page.url}")


def type_into(page, field: str, value: str) -> None:
    tab_to(page, field)
    page.keyboard.type(value)


def type_date(page, selector: str, day) -> None:
    """Type a date into the focused date input, in the order of the browser's own date format.

    Chromium lays out <input type=date> in its UI locale (not the page's), so try the Dutch
    day-month-year order first, then month-day-year; Backspace and Shift+Tab clear the segments.
    """
    for order in ("%d%m%Y", "%m%d%Y"):
        page.keyboard.type(day.strftime(order))
        if page.locator(selector).input_value() == day.isoformat():
            return
        for _ in range(3):
            page.keyboard.press("Backspace")
            page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # back to the first segment
        page.keyboard.press("Backspace")
    raise AssertionError(f"could not type {day} into {selector}")


def test_a_farmer_files_a_claim_with_the_keyboard_alone(browser, live_server, committed):
    with committed.app_context():
        user = create_user("toetsenbord@example.nl", DEMO_PASSWORD, Role.FARMER, (), name="T")
        db.session.add(
            FarmerProfile(
                user_id=user.id,
                name="Boer Toetsenbord",
                kvk="07654321",
                iban="NL91ABNA0417164300",
                address="Dijk 1",
                postcode="8501 AA",
                city="Joure",
            )
        )
        db.session.commit()
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server}/login")

    # Log in.
    type_into(page, "E-mailadres", "toetsenbord@example.nl")
    type_into(page, "Wachtwoord", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/aanvragen")

    # Add a parcel.
    tab_to(page, "Mijn percelen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/percelen")
    tab_to(page, "Perceel toevoegen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/percelen/nieuw")
    type_into(page, "Naam van het perceel", "Achter de schuur")
    type_into(page, "Oppervlakte", "4,25")
    type_into(page, "Teelt", "snijma")
    type_into(page, "Provincie", "Frysl")
    type_into(page, "Gebruik", "Eigendom")
    tab_to(page, "Opslaan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/percelen")
    assert "Achter de schuur" in page.content()

    # The new claim form: back to the claims, then Shift+Tab is used to step back once.
    tab_to(page, "Schade melden: nieuwe aanvraag")
    page.keyboard.press("Enter")
    page.wait_for_url("**/aanvragen/nieuw")
    # Province and crop come from the parcel (issue 14): neither is asked.
    tab_to(page, "Datum waarop u de schade ontdekte")
    day = recent_workday()
    type_date(page, "#f-discovered_on", day)
    tab_to(page, "wild zwijn")
    page.keyboard.press("Space")
    tab_to(page, "Achter de schuur")
    page.keyboard.press("Space")
    tab_to(page, "Beschadigde oppervlakte")
    page.keyboard.type("1,5")
    tab_to(page, "wild zwijn", backwards=True)  # Shift+Tab back and forth works too
    tab_to(page, "Opslaan als concept")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/aanvragen/\d+$"))
    assert "opgeslagen" in page.get_by_role("status").inner_text()

    with committed.app_context():
        claim = db.session.scalar(select(Claim).order_by(Claim.id.desc()))
        assert claim is not None and claim.status == ClaimStatus.DRAFT
        assert claim.province == "FR" and claim.crop == "snijmais"
        assert [s.species for s in claim.species] == ["wild_zwijn"]
        assert claim.discovered_on == day
    context.close()
