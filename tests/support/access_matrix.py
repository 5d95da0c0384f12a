"""The access matrix: every endpoint × every role, and the world it is checked on
(tests/platform/test_access_matrix.py checks it; test_web_security reuses the world)."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from decimal import Decimal

from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from faunaschade import clock
from faunaschade.accounts import users as user_service
from faunaschade.audit import checkpoints as audit_checkpoints
from faunaschade.models import (
    AreaType,
    Assessment,
    Attachment,
    AttachmentKind,
    Authorisation,
    AuthorisationSource,
    AutotaxRegistration,
    AutotaxRun,
    Event,
    EventDelivery,
    FarmerProfile,
    Letter,
    LetterCheck,
    LetterCheckStatus,
    LetterKind,
    LetterStatus,
    Payment,
    PaymentBatch,
    Subscriber,
    TokenKind,
)
from faunaschade.reports import operations as reports
from faunaschade.security import SESSION_KEY
from faunaschade.statistics import releases as open_data_releases
from faunaschade.storage import store_bytes
from tests.support.decisions import assessed_claim
from tests.support.farmers import jpeg_bytes

ROLES = (
    "anonymous",
    "farmer_own",
    "farmer_other",
    "assessor_assigned",
    "assessor_other",
    "officer_own",
    "officer_other",
    "auditor",
    "admin",
)


LOGGED_IN = ROLES[1:]


#: Endpoints deliberately left out of the matrix (no user data, no authorisation).
SKIPPED = {"static", "api-docs.openapi_json"}


OK, DENY, AUTH = "ok", "deny", "auth"


#: Allowed (authorised) answers; 400/409/415/422 mean the body or the claim's state was refused.
ALLOWED_STATUS = {200, 201, 202, 204, 301, 302, 303, 400, 409, 415, 422}


def allow(*roles: str, public: bool = False) -> dict[str, str]:
    """A row: the named roles are allowed, the other logged-in roles denied (403/404)."""
    unknown = set(roles) - set(LOGGED_IN)
    assert not unknown, unknown
    row = {role: (OK if role in roles else DENY) for role in LOGGED_IN}
    row["anonymous"] = OK if public else AUTH
    return row


ALL = LOGGED_IN


FARMERS = ("farmer_own", "farmer_other")


ASSESSORS = ("assessor_assigned", "assessor_other")


OFFICERS = ("officer_own", "officer_other")


# Who sees the world's claim (and its letters, attachments, assessment).
CLAIM_READERS = ("farmer_own", "assessor_assigned", "officer_own", "auditor")


CLAIM = "/api/v1/claims/<int:claim_id>"


CLAIM_STAFF = ("assessor_assigned", "officer_own", "auditor")


MATRIX: dict[str, dict[str, str]] = {
    # --- pages ---
    "GET /": allow(*ALL),
    "GET /login": allow(*ALL, public=True),
    "POST /login": allow(*ALL, public=True),
    "POST /logout": allow(*ALL, public=True),
    "POST /taal/<lang>": allow(*ALL, public=True),
    "GET /healthz": allow(*ALL, public=True),
    "GET /registreren": allow(*ALL, public=True),
    "POST /registreren": allow(*ALL, public=True),
    # Open data: for everyone, without login (no personal data, small figures suppressed).
    "GET /open-data": allow(*ALL, public=True),
    # The public letter check (issue 17): anyone, logged in or not.
    "GET /brieven/controleren": allow(*ALL, public=True),
    "POST /brieven/controleren": allow(*ALL, public=True),
    "GET /brieven/controleren/<token>": allow(*ALL, public=True),
    "GET /betalen/test/<ref>": allow("farmer_own"),
    "POST /betalen/test/<ref>": allow("farmer_own"),
    # Everyone logged in has a claim list; it shows only the claims in their scope.
    "GET /aanvragen": allow(*ALL),
    "GET /aanvragen/nieuw": allow(*FARMERS),
    "POST /aanvragen/nieuw": allow(*FARMERS),
    "GET /aanvragen/wolf": allow(*FARMERS),
    "POST /aanvragen/wolf": allow(*FARMERS),
    "GET /aanvragen/<int:claim_id>": allow(*CLAIM_READERS),
    "GET /aanvragen/<int:claim_id>/bewerken": allow("farmer_own"),
    "POST /aanvragen/<int:claim_id>/bewerken": allow("farmer_own"),
    "GET /aanvragen/<int:claim_id>/indienen": allow("farmer_own"),
    "POST /aanvragen/<int:claim_id>/indienen": allow("farmer_own"),
    "POST /aanvragen/<int:claim_id>/intrekken": allow("farmer_own"),
    "POST /aanvragen/<int:claim_id>/betalen": allow("farmer_own"),
    "POST /aanvragen/<int:claim_id>/bijlagen": allow("farmer_own"),
    "GET /aanvragen/<int:claim_id>/bijlagen/<int:attachment_id>": allow(*CLAIM_READERS),
    "GET /aanvragen/<int:claim_id>/bijlagen/<int:attachment_id>/miniatuur": allow(*CLAIM_READERS),
    "GET /aanvragen/<int:claim_id>/kaart.geojson": allow(*CLAIM_READERS),
    "POST /aanvragen/<int:claim_id>/aanvullen": allow("farmer_own"),
    "GET /aanvragen/<int:claim_id>/zienswijze": allow("farmer_own"),
    "POST /aanvragen/<int:claim_id>/zienswijze": allow("farmer_own"),
    "POST /aanvragen/<int:claim_id>/akkoord-taxatie": allow("farmer_own"),
    "POST /aanvragen/<int:claim_id>/bezwaar": allow("farmer_own"),
    "POST /aanvragen/<int:claim_id>/bezwaar/hoorzitting": allow("officer_own"),
    "POST /aanvragen/<int:claim_id>/bezwaar/verslag": allow("officer_own"),
    "POST /aanvragen/<int:claim_id>/bezwaar/verdagen": allow("officer_own"),
    "GET /aanvragen/<int:claim_id>/aanvulling-vragen": allow("officer_own"),
    "POST /aanvragen/<int:claim_id>/aanvulling-vragen": allow("officer_own"),
    "POST /aanvragen/<int:claim_id>/compleet": allow("officer_own"),
    "GET /aanvragen/<int:claim_id>/taxatie-opdragen": allow("officer_own"),
    "POST /aanvragen/<int:claim_id>/taxatie-opdragen": allow("officer_own"),
    "POST /aanvragen/<int:claim_id>/dna-uitkomst": allow("officer_own"),
    "POST /aanvragen/<int:claim_id>/goedkeuren": allow("officer_own"),
    "POST /aanvragen/<int:claim_id>/terugsturen": allow("officer_own"),
    "POST /aanvragen/<int:claim_id>/verdaging": allow("officer_own"),
    "POST /aanvragen/<int:claim_id>/ingebrekestelling": allow("farmer_own"),
    "POST /aanvragen/<int:claim_id>/voorstel": allow("officer_own"),
    "GET /brieven/<int:letter_id>.pdf": allow(*CLAIM_READERS),
    "GET /percelen": allow(*FARMERS),
    "GET /percelen/nieuw": allow(*FARMERS),
    "POST /percelen/nieuw": allow(*FARMERS),
    "GET /percelen/<int:parcel_id>/bewerken": allow("farmer_own"),
    "GET /percelen/importeren": allow(*FARMERS),
    "POST /percelen/importeren": allow(*FARMERS),
    "POST /percelen/importeren/bevestigen": allow(*FARMERS),
    "POST /percelen/<int:parcel_id>/bewerken": allow("farmer_own"),
    "GET /taxaties": allow(*ASSESSORS),
    "GET /taxaties/<int:assessment_id>": allow("assessor_assigned"),
    "POST /taxaties/<int:assessment_id>": allow("assessor_assigned"),
    "GET /taxaties/<int:assessment_id>/indienen": allow("assessor_assigned"),
    "POST /taxaties/<int:assessment_id>/indienen": allow("assessor_assigned"),
    "GET /behandeling": allow(*OFFICERS),
    "GET /betaalbatches": allow(*OFFICERS),
    "POST /betaalbatches": allow(*OFFICERS),
    "GET /betaalbatches/<int:batch_id>": allow("officer_own"),
    "POST /betaalbatches/<int:batch_id>/annuleren": allow("officer_own"),
    "POST /betaalbatches/<int:batch_id>/betaald": allow("officer_own"),
    "POST /betaalbatches/<int:batch_id>/exporteren": allow("officer_own"),
    "POST /betaalbatches/<int:batch_id>/goedkeuren": allow("officer_own"),
    "GET /betaalbatches/<int:batch_id>/pain001.xml": allow("officer_own"),
    "GET /statistieken": allow(*OFFICERS, "auditor"),
    "GET /statistieken/export.<fmt>": allow(*OFFICERS, "auditor"),
    "GET /auditlog": allow("auditor", "admin"),
    "GET /auditlog/export.csv": allow("auditor", "admin"),
    "GET /koppelingen": allow("admin"),
    "POST /koppelingen": allow("admin"),
    "GET /koppelingen/<int:subscriber_id>": allow("admin"),
    "POST /koppelingen/<int:subscriber_id>": allow("admin"),
    "POST /koppelingen/<int:subscriber_id>/geheim": allow("admin"),
    "POST /koppelingen/afleveringen/<int:delivery_id>/opnieuw": allow("admin"),
    "GET /mijn-gegevens.json": allow(*FARMERS),
    "GET /machtigingen": allow(*FARMERS),
    "POST /machtigingen": allow(*FARMERS),
    "POST /machtigingen/<int:authorisation_id>/intrekken": allow("farmer_own"),
    "GET /ik-handel-namens": allow(*FARMERS),
    "GET /aanvragers/<int:profile_id>/machtigingen": allow("officer_own"),
    "POST /aanvragers/<int:profile_id>/machtigingen": allow("officer_own"),
    "POST /aanvragers/<int:profile_id>/machtigingen/<int:authorisation_id>/intrekken": allow(
        "officer_own"
    ),
    "GET /aanvragers/<int:profile_id>/machtigingen/<int:authorisation_id>/scan": allow(
        "officer_own"
    ),
    # Meldingen: the farmer's own; officers and auditors of the province read them.
    "GET /meldingen": allow(*FARMERS, *OFFICERS, "auditor"),
    "GET /meldingen/nieuw": allow(*FARMERS),
    "POST /meldingen/nieuw": allow(*FARMERS),
    "GET /meldingen/<int:report_id>": allow("farmer_own", "officer_own", "auditor"),
    # Autotax: farmers register parcels; officers run it and decide its batch; auditors read.
    "GET /autotax": allow(*FARMERS),
    "POST /autotax": allow(*FARMERS),
    "POST /autotax/<int:registration_id>/intrekken": allow("farmer_own"),
    "GET /autotax/rondes": allow(*OFFICERS, "auditor"),
    "POST /autotax/rondes": allow(*OFFICERS),
    "GET /autotax/rondes/<int:run_id>": allow("officer_own", "auditor"),
    "POST /autotax/rondes/<int:run_id>/voorstel": allow("officer_own"),
    "POST /autotax/rondes/<int:run_id>/goedkeuren": allow("officer_own"),
    "GET /api/v1/autotax/registrations": allow(*FARMERS),
    "POST /api/v1/autotax/registrations": allow(*FARMERS),
    "POST /api/v1/autotax/registrations/<int:registration_id>/withdraw": allow("farmer_own"),
    "GET /api/v1/autotax/runs": allow(*OFFICERS, "auditor"),
    "POST /api/v1/autotax/runs": allow(*OFFICERS),
    "GET /api/v1/autotax/runs/<int:run_id>": allow("officer_own", "auditor"),
    "POST /api/v1/autotax/runs/<int:run_id>/batch": allow("officer_own"),
    "POST /api/v1/autotax/runs/<int:run_id>/batch/approve": allow("officer_own"),
    "POST /meldingen/<int:report_id>/aanvraag": allow("farmer_own"),
    # --- API ---
    "POST /api/v1/auth/token": allow(*ALL, public=True),
    "POST /api/v1/register": allow(*ALL, public=True),
    "POST /api/v1/letters/verify": allow(*ALL, public=True),
    "GET /api/v1/letters/verify/<token>": allow(*ALL, public=True),
    "GET /api/v1/audit/checkpoints/latest": allow(*ALL, public=True),
    "GET /api/v1/me": allow(*ALL),
    "GET /api/v1/me/export": allow(*FARMERS),
    "POST /api/v1/admin/farmers/<int:profile_id>/erase": allow("admin"),
    "GET /api/v1/parcels": allow(*FARMERS),
    "POST /api/v1/parcels": allow(*FARMERS),
    "GET /api/v1/parcels/<int:parcel_id>": allow("farmer_own"),
    "PATCH /api/v1/parcels/<int:parcel_id>": allow("farmer_own"),
    "POST /api/v1/parcels/import": allow(*FARMERS),
    "POST /api/v1/parcels/import/confirm": allow(*FARMERS),
    "GET /api/v1/claims": allow(*FARMERS, *ASSESSORS, *OFFICERS, "auditor"),
    "POST /api/v1/claims": allow(*FARMERS),
    "POST /api/v1/claims/livestock": allow(*FARMERS),
    "GET /api/v1/claims/<int:claim_id>": allow(*CLAIM_READERS),
    "PATCH /api/v1/claims/<int:claim_id>": allow("farmer_own"),
    "POST /api/v1/claims/<int:claim_id>/submit": allow("farmer_own"),
    "POST /api/v1/claims/<int:claim_id>/withdraw": allow("farmer_own"),
    "POST /api/v1/claims/<int:claim_id>/attachments": allow("farmer_own"),
    "GET /api/v1/claims/<int:claim_id>/attachments/<int:attachment_id>": allow(*CLAIM_READERS),
    "GET /api/v1/claims/<int:claim_id>/areas": allow(*CLAIM_READERS),
    "POST /api/v1/claims/<int:claim_id>/payment": allow("farmer_own"),
    "POST /api/v1/claims/<int:claim_id>/zienswijze": allow("farmer_own"),
    "POST /api/v1/claims/<int:claim_id>/accept-assessment": allow("farmer_own"),
    "GET /api/v1/claims/<int:claim_id>/zienswijzen": allow("farmer_own", "officer_own", "auditor"),
    "POST /api/v1/claims/<int:claim_id>/objection": allow("farmer_own"),
    "GET /api/v1/claims/<int:claim_id>/objection": allow("farmer_own", "officer_own", "auditor"),
    "GET /api/v1/claims/<int:claim_id>/letters": allow(*CLAIM_READERS),
    "GET /api/v1/claims/<int:claim_id>/decision": allow("farmer_own", "officer_own", "auditor"),
    "GET /api/v1/claims/<int:claim_id>/proposal": allow("officer_own", "auditor"),
    "POST /api/v1/claims/<int:claim_id>/proposal": allow("officer_own"),
    "POST /api/v1/claims/<int:claim_id>/approve": allow("officer_own"),
    "POST /api/v1/claims/<int:claim_id>/send-back": allow("officer_own"),
    "POST /api/v1/claims/<int:claim_id>/delay-notice": allow("officer_own"),
    "POST /api/v1/claims/<int:claim_id>/default-notice": allow("farmer_own"),
    "POST /api/v1/claims/<int:claim_id>/objection/hearing": allow("officer_own"),
    "PUT /api/v1/claims/<int:claim_id>/objection/hearing": allow("officer_own"),
    "POST /api/v1/claims/<int:claim_id>/objection/hearing-report": allow("officer_own"),
    "POST /api/v1/claims/<int:claim_id>/objection/extension": allow("officer_own"),
    "POST /api/v1/claims/<int:claim_id>/assessment-order": allow("officer_own"),
    "POST /api/v1/claims/<int:claim_id>/complete": allow("farmer_own", "officer_own"),
    "POST /api/v1/claims/<int:claim_id>/completion-request": allow("officer_own"),
    "GET /api/v1/claims/<int:claim_id>/calculation-preview": allow("officer_own", "auditor"),
    "POST /api/v1/claims/<int:claim_id>/wolf-finding": allow("officer_own"),
    "GET /api/v1/letters/<int:letter_id>.pdf": allow(*CLAIM_READERS),
    "GET /api/v1/queue": allow(*OFFICERS),
    "GET /api/v1/assessments": allow(*ASSESSORS, *OFFICERS, "auditor"),
    "GET /api/v1/assessments/<int:assessment_id>": allow(*CLAIM_STAFF),
    "PUT /api/v1/assessments/<int:assessment_id>/report": allow("assessor_assigned"),
    "POST /api/v1/assessments/<int:assessment_id>/submit": allow("assessor_assigned"),
    "GET /api/v1/payment-batches": allow(*OFFICERS, "auditor"),
    "POST /api/v1/payment-batches": allow(*OFFICERS),
    "GET /api/v1/payment-batches/<int:batch_id>": allow("officer_own", "auditor"),
    "POST /api/v1/payment-batches/<int:batch_id>/approve": allow("officer_own"),
    "POST /api/v1/payment-batches/<int:batch_id>/cancel": allow("officer_own"),
    "POST /api/v1/payment-batches/<int:batch_id>/paid": allow("officer_own"),
    "GET /api/v1/payment-batches/<int:batch_id>/pain001.xml": allow("officer_own"),
    "POST /api/v1/payments/<int:payment_id>/test-confirm": allow("farmer_own"),
    "POST /api/v1/payments/<int:payment_id>/webhook": allow(*ALL, public=True),
    "GET /api/v1/statistics": allow(*OFFICERS, "auditor"),
    "GET /api/v1/open-data/statistics": allow(*ALL, public=True),
    "GET /api/v1/open-data/catalog": allow(*ALL, public=True),
    "GET /api/v1/reports": allow(*FARMERS, *OFFICERS, "auditor"),
    "POST /api/v1/reports": allow(*FARMERS),
    "GET /api/v1/reports/<int:report_id>": allow("farmer_own", "officer_own", "auditor"),
    "POST /api/v1/reports/<int:report_id>/convert": allow("farmer_own"),
    "GET /api/v1/audit-events": allow("auditor", "admin"),
    "GET /api/v1/admin/subscribers": allow("admin"),
    "POST /api/v1/admin/subscribers": allow("admin"),
    "GET /api/v1/admin/subscribers/<int:subscriber_id>": allow("admin"),
    "PATCH /api/v1/admin/subscribers/<int:subscriber_id>": allow("admin"),
    "POST /api/v1/admin/subscribers/<int:subscriber_id>/secret": allow("admin"),
    "GET /api/v1/admin/subscribers/<int:subscriber_id>/deliveries": allow("admin"),
    "POST /api/v1/admin/deliveries/<int:delivery_id>/retry": allow("admin"),
    "GET /api/v1/authorisations": allow(*FARMERS),
    "POST /api/v1/authorisations": allow(*FARMERS),
    "POST /api/v1/authorisations/<int:authorisation_id>/revoke": allow("farmer_own"),
    "GET /api/v1/farmers/<int:profile_id>/authorisations": allow("officer_own"),
    "POST /api/v1/farmers/<int:profile_id>/authorisations": allow("officer_own"),
    "POST /api/v1/farmers/<int:profile_id>/authorisations/<int:authorisation_id>/revoke": allow(
        "officer_own"
    ),
}


#: Bodies that pass validation, so that an out-of-scope caller reaches the scope check
#: (flask-smorest validates the body before the view loads the claim).
BODIES: dict[str, dict] = {
    "POST /api/v1/claims/<int:claim_id>/assessment-order": {"assessor_email": "t@example.nl"},
    "POST /api/v1/claims/<int:claim_id>/completion-request": {"message": "Graag foto's."},
    "POST /api/v1/claims/<int:claim_id>/send-back": {"reason": "Nog eens bekijken."},
    "POST /api/v1/claims/<int:claim_id>/objection": {"text": "Ik ben het er niet mee eens."},
    "POST /api/v1/claims/<int:claim_id>/proposal": {"motivation": "Conform taxatie."},
    "POST /api/v1/farmers/<int:profile_id>/authorisations": {
        "email": "gemachtigde@example.nl",
        "document_date": clock.today().isoformat(),
    },
    "POST /api/v1/claims/<int:claim_id>/objection/hearing": {
        "hearing_at": "2099-01-05T10:00:00+01:00",
        "place": "Provinciehuis",
    },
    "PUT /api/v1/claims/<int:claim_id>/objection/hearing": {
        "hearing_at": "2099-01-05T10:00:00+01:00",
        "place": "Provinciehuis",
    },
    "POST /api/v1/claims/<int:claim_id>/objection/hearing-report": {"report": "Gehoord."},
    "POST /api/v1/claims/<int:claim_id>/objection/extension": {"reason": "Advies nodig."},
    "POST /api/v1/claims/<int:claim_id>/wolf-finding": {
        "finding": "certain",
        "visited_on": clock.today().isoformat(),
    },
}


#: Rows tested on a claim whose proposal is still open (the others on a decided claim).
OPEN_PROPOSAL_ROWS = {
    "GET /api/v1/claims/<int:claim_id>/proposal",
    "POST /api/v1/claims/<int:claim_id>/approve",
    "POST /api/v1/claims/<int:claim_id>/send-back",
    "POST /aanvragen/<int:claim_id>/goedkeuren",
    "POST /aanvragen/<int:claim_id>/terugsturen",
}


#: Rows where a redirect to /login is the allowed answer, not "please log in".
LOGIN_REDIRECT_IS_OK = {"POST /logout"}


#: Roles that may see the world's claim data in an allowed answer of this row (besides the
#: claim's readers): the admin reads the audit log, which names every claim.
MAY_SEE_CLAIM = {
    "GET /auditlog": {"admin"},
    "GET /auditlog/export.csv": {"admin"},
    "GET /api/v1/audit-events": {"admin"},
    # Refusing an erasure before the retention period ends names the claims that hold it.
    "POST /api/v1/admin/farmers/<int:profile_id>/erase": {"admin"},
    # A delivery names the claim's reference (its subject) and the event's type.
    "GET /koppelingen/<int:subscriber_id>": {"admin"},
    "POST /koppelingen/<int:subscriber_id>": {"admin"},
    "GET /api/v1/admin/subscribers/<int:subscriber_id>/deliveries": {"admin"},
    "POST /api/v1/admin/deliveries/<int:delivery_id>/retry": {"admin"},
}


def url_map_keys(app: Flask) -> set[str]:
    """'METHOD rule' for every rule of every endpoint except the listed skips."""
    keys = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            keys.add(f"{method} {rule.rule}")
    return keys


def build_world(key, app, session, make_user, monkeypatch) -> dict:
    """The world of `world` for the matrix row `key` (also used by test_web_security)."""
    people = {
        "farmer_own": make_user("farmer"),
        "farmer_other": make_user("farmer"),
        "assessor_assigned": make_user("assessor"),
        "assessor_other": make_user("assessor"),
        "officer_own": make_user("officer", provinces=("DR",)),
        "officer_other": make_user("officer", provinces=("NH",)),
        "auditor": make_user("auditor", provinces=("DR",)),
        "admin": make_user("admin"),
    }
    second_officer = make_user("officer", provinces=("DR",))
    claim = assessed_claim(
        session, people["farmer_own"], people["officer_own"], people["assessor_assigned"]
    )
    profile = session.scalar(
        select(FarmerProfile).where(FarmerProfile.user_id == people["farmer_own"].id)
    )
    # Distinct from the other farmer's data, so a leak can be recognised.
    profile.name = "Maatschap Geheimhouding"
    profile.iban = "NL20INGB0001234567"
    stored = store_bytes(jpeg_bytes(), "image/jpeg")
    session.flush()
    attachment = Attachment(
        claim_id=claim.id,
        kind=AttachmentKind.PHOTO,
        filename="schade.jpg",
        content_type="image/jpeg",
        file_id=stored.id,
        uploaded_by=people["farmer_own"].id,
    )
    pdf = store_bytes(b"%PDF-1.4 matrix", "application/pdf")
    session.flush()
    letter = Letter(
        claim_id=claim.id,
        kind=LetterKind.RECEIPT,
        subject_key="matrix",
        version=1,
        status=LetterStatus.READY,
        file_id=pdf.id,
        sha256=pdf.sha256,
    )
    payment = Payment(
        claim_id=claim.id, provider="test", provider_ref="matrix-ref", amount=Decimal("300.00")
    )
    # Built by another officer of the province, so officer_own may approve it (four eyes).
    batch = PaymentBatch(province="DR", built_by=second_officer.id)
    # A written authorisation (with its scan) of farmer_own for a contractor outside the roles.
    contractor = make_user("farmer")
    scan = store_bytes(b"%PDF-1.4 machtiging %%EOF", "application/pdf")
    authorisation = Authorisation(
        farmer_id=profile.id,
        representative_id=contractor.id,
        valid_from=clock.today(),
        source=AuthorisationSource.WRITTEN,
        document_date=clock.today(),
        document_file_id=scan.id,
        created_by=people["officer_own"].id,
    )
    session.add_all([attachment, letter, payment, batch, authorisation])
    session.flush()
    # A melding of farmer_own in Drenthe, on the claim's parcel.
    row = claim.parcels[0]
    melding = reports.create_report(
        profile,
        {
            "province": "DR",
            "discovered_on": clock.today(),
            "species": ["grauwe_gans"],
            "parcels": [
                {
                    "parcel_id": row.parcel_id,
                    "damaged_area_ha": row.damaged_area_ha,
                    "area_type": AreaType.REGULAR.value,
                }
            ],
        },
        people["farmer_own"],
    )
    # A subscriber with one delivery of an event about the claim (event notifications).
    subscriber = Subscriber(
        name="Matrix", url="https://example.nl/events", event_types=[], secret_sealed="x" * 43
    )
    session.add(subscriber)
    session.flush()
    event = Event(
        event_id="00000000-0000-4000-8000-000000000017",
        type="nl.faunaschade.claim.assessed",
        subject=claim.reference,
        sequence=1,
        time=claim.submitted_at,
        claim_id=claim.id,
        body="{}",
    )
    session.add(event)
    session.flush()
    delivery = EventDelivery(
        subscriber_id=subscriber.id, event_id=event.id, subject=event.subject, sequence=1
    )
    session.add(delivery)
    session.flush()

    # An autotax registration of farmer_own and a run in Drenthe (rows as the use cases
    # leave them; Drenthe runs no autotax, so withdrawing and deciding are refused: 409).
    registration = AutotaxRegistration(
        farmer_id=profile.id,
        parcel_id=row.parcel_id,
        province="DR",
        damage_year=2026,
        registered_by=people["farmer_own"].id,
    )
    autotax_run = AutotaxRun(
        province="DR",
        damage_year=2026,
        reference_day=date(2026, 3, 1),
        table_version="AUTOTAX-2025.1",
        seed=1,
        sample_pct=Decimal("10"),
        review_above=Decimal("5000"),
        started_by=people["officer_own"].id,
        registrations=1,
    )
    session.add_all([registration, autotax_run])
    # A public letter check waiting for the worker (anyone with its token may read it).
    letter_check = LetterCheck(
        token="matrix-check-token", sha256="0" * 64, status=LetterCheckStatus.PENDING
    )
    session.add(letter_check)
    session.flush()

    values = {
        "claim_id": claim.id,
        "attachment_id": attachment.id,
        "letter_id": letter.id,
        "parcel_id": claim.parcels[0].parcel_id,
        "assessment_id": session.scalar(
            select(Assessment.id).where(Assessment.claim_id == claim.id)
        ),
        "payment_id": payment.id,
        "batch_id": batch.id,
        "profile_id": profile.id,
        "authorisation_id": authorisation.id,
        "report_id": melding.id,
        "subscriber_id": subscriber.id,
        "delivery_id": delivery.id,
        "registration_id": registration.id,
        "run_id": autotax_run.id,
        "ref": payment.provider_ref,
        "lang": "en",
        "fmt": "csv",
        "token": letter_check.token,
    }
    secrets = [
        claim.reference,
        profile.name,
        profile.iban,
        people["farmer_own"].email,
        melding.reference,
    ]

    clients = {}
    # CSRF tokens made as Flask-WTF makes them (a GET page per client would be slow).
    signer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    for role in ROLES:
        client = app.test_client()
        raw_csrf = hashlib.sha1(os.urandom(64)).hexdigest()
        headers = {}
        with client.session_transaction() as browser_session:
            browser_session["csrf_token"] = raw_csrf
            if role != "anonymous":
                user = people[role]
                browser_session[SESSION_KEY] = user_service.issue_token(
                    user, TokenKind.WEB, hours=1
                )
                api = user_service.issue_token(user, TokenKind.API, hours=1)
                headers = {"Authorization": f"Bearer {api}"}
        clients[role] = (client, signer.dumps(raw_csrf), headers)
    # A decision (proposal by officer_own, approval by a second officer), through the API;
    # rows about the open proposal get the claim with the proposal not yet approved.
    steps = [
        (people["officer_own"], "proposal", BODIES[f"POST {CLAIM}/proposal"]),
        (second_officer, "approve", {}),
    ]
    if key in OPEN_PROPOSAL_ROWS:
        # Proposed by the second officer, so officer_own may approve it (four eyes).
        steps = [(second_officer, "proposal", steps[0][2])]
    staff = app.test_client()
    for officer, action, body in steps:
        raw = user_service.issue_token(officer, TokenKind.API, hours=1)
        session.flush()
        answer = staff.post(
            f"/api/v1/claims/{claim.id}/{action}",
            json=body,
            headers={"Authorization": f"Bearer {raw}"},
        )
        assert answer.status_code in (200, 201), answer.json
    # A published audit checkpoint, so its public endpoint has one to answer with.
    audit_checkpoints.write_checkpoint()
    # And an open-data release, so the open data have figures to serve.
    open_data_releases.publish_release()
    session.expire_all()
    return {
        "values": values,
        "clients": clients,
        "secrets": secrets,
        "objects": {"claim": claim, "batch": batch, "payment": payment},
    }


def _path(rule: str, values: dict) -> str:
    path = rule
    for name, value in values.items():
        for converter in ("int:", ""):
            path = path.replace(f"<{converter}{name}>", str(value))
    assert "<" not in path, path
    return path


def _call(role: str, key: str, world: dict):
    method, rule = key.split(" ", 1)
    client, csrf, headers = world["clients"][role]
    path = _path(rule, world["values"])
    if path.startswith("/api/"):
        kwargs = {"headers": headers}
        if method in ("POST", "PUT", "PATCH"):
            kwargs["json"] = BODIES.get(key, {})
    else:
        kwargs = {"data": {"csrf_token": csrf}} if method == "POST" else {}
    response = client.open(path, method=method, **kwargs)
    # Read (and close) streamed answers now, while their context is still the newest one.
    response.get_data()
    response.close()
    return response


def _outcome(key: str, response, api: bool) -> str:
    status = response.status_code
    location = response.headers.get("Location", "")
    if api and status == 401:
        return AUTH
    if not api and status == 302 and "/login" in location and key not in LOGIN_REDIRECT_IS_OK:
        return AUTH
    if status in (403, 404):
        return DENY
    if status == 400 and not api:
        # Pages answer bad input with 422; 400 is a refused CSRF token.
        return "unexpected 400 (CSRF?)"
    if status in ALLOWED_STATUS:
        return OK
    return f"unexpected {status}"
