"""Letters: requested by a service, rendered by a real worker, stored once, read back, scoped."""

import gc
import hashlib
import io
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from babel.dates import format_date
from pypdf import PdfReader
from sqlalchemy import func, select

from faunaschade import jobs
from faunaschade.accounts.users import create_user
from faunaschade.clock import today
from faunaschade.documents import (
    AssetFetcher,
    RefusedURL,
    RenderError,
    build_context,
    html_to_pdf,
    render_html,
    template_for,
)
from faunaschade.documents.signing import current_signer
from faunaschade.errors import Conflict
from faunaschade.extensions import db
from faunaschade.letters.operations import regenerate_letter, request_letter
from faunaschade.letters.rendering import render_letter
from faunaschade.models import (
    AreaType,
    AuditEvent,
    Claim,
    ClaimKind,
    ClaimParcel,
    ClaimSpecies,
    ClaimStatus,
    FarmerProfile,
    Letter,
    LetterKind,
    LetterStatus,
    Parcel,
    Role,
    StoredFile,
    Tenure,
)
from faunaschade.storage import read_bytes
from tests.support.app import DEMO_PASSWORD, csrf_token_from


def make_claim(session, profile_id: int, reference: str = "FS-2025-000123") -> Claim:
    """A submitted crop claim in Fryslân with two species and one damaged parcel."""
    parcel = Parcel(
        farmer_id=profile_id,
        name="Achter de pleats",
        area_ha=Decimal("6.5"),
        crop="blijvend_grasland",
        tenure=Tenure.OWN,
    )
    session.add(parcel)
    session.flush()
    claim = Claim(
        reference=reference,
        farmer_id=profile_id,
        province="FR",
        kind=ClaimKind.CROP,
        status=ClaimStatus.SUBMITTED,
        crop="blijvend_grasland",
        discovered_on=date(2025, 2, 3),
        submitted_at=datetime(2025, 2, 5, 9, 30, tzinfo=UTC),
        submission_deadline=date(2025, 2, 12),
        backstop_deadline=date(2025, 4, 2),
        leges=Decimal("300.00"),
        species=[ClaimSpecies(species="grauwe_gans"), ClaimSpecies(species="brandgans")],
        parcels=[
            ClaimParcel(
                parcel_id=parcel.id,
                damaged_area_ha=Decimal("4.25"),
                area_type=AreaType.FOERAGEERGEBIED,
            )
        ],
    )
    session.add(claim)
    session.flush()
    return claim


def profile_of(session, user) -> FarmerProfile:
    return session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def farmer(make_user):
    return make_user("farmer")


@pytest.fixture
def claim(session, farmer) -> Claim:
    return make_claim(session, profile_of(session, farmer).id)


@pytest.fixture
def receipt(session, farmer, claim, redis_conn, run_worker) -> Letter:
    """The claim's receipt, requested, committed and rendered by a real rq worker."""
    letter = request_letter(claim, LetterKind.RECEIPT, actor=farmer)
    assert letter.status == LetterStatus.PENDING
    session.commit()
    run_worker()
    session.expire_all()
    return session.get(Letter, letter.id)


def test_receipt_pdf_reads_back_with_the_facts_in_dutch(session, farmer, claim, receipt, pdf_text):
    assert receipt.status == LetterStatus.READY and receipt.error is None
    text = pdf_text(read_bytes(receipt.file_id))
    dagtekening = format_date(today(), "d MMMM y", locale="nl")
    for expected in (
        "FS-2025-000123",
        "FS-2025-000123-O1",
        "namens Gedeputeerde Staten van Fryslân",
        dagtekening,
        "5 februari 2025",  # received on
        "12 februari 2025",  # submission deadline
        "€ 300,00",
        profile_of(session, farmer).name,
        "brandgans, grauwe gans",
        "4,25 ha",
        "pagina 1 van",
    ):
        assert expected in text, expected


def test_sha256_is_stored_and_audited(session, farmer, receipt):
    data = read_bytes(receipt.file_id)
    assert data.startswith(b"%PDF-")
    assert receipt.sha256 == hashlib.sha256(data).hexdigest()
    assert session.get(StoredFile, receipt.file_id).sha256 == receipt.sha256
    requested, stored = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "letter").order_by(AuditEvent.id)
    )
    assert (requested.action, requested.actor_id) == ("letter.requested", farmer.id)
    assert stored.action == "letter.stored" and stored.object_id == receipt.id
    # The stored SHA-256 is the signed PDF's; the event names the signing certificate.
    assert stored.data == {
        "sha256": receipt.sha256,
        "kind": "receipt",
        "version": 1,
        "certificate_sha256": current_signer().fingerprint,
    }


def test_running_the_job_again_stores_nothing_new(session, claim, receipt, run_worker):
    job_id = f"letter-{receipt.id}-v1"
    jobs.enqueue("letters.render", job_id, letter_id=receipt.id)
    session.commit()
    run_worker()
    jobs.execute(job_id)
    render_letter(receipt.id)
    assert request_letter(claim, LetterKind.RECEIPT).id == receipt.id
    session.commit()
    assert count(session, Letter, Letter.claim_id == claim.id) == 1
    assert count(session, StoredFile) == 1
    assert count(session, AuditEvent, AuditEvent.action == "letter.stored") == 1


def test_regenerate_makes_version_2_and_audits_it(
    session, make_user, receipt, run_worker, pdf_text
):
    officer = make_user("officer", provinces=("FR",))
    second = regenerate_letter(receipt, officer, reason="adres gewijzigd")
    assert (second.version, second.status) == (2, LetterStatus.PENDING)
    assert second.subject_key == receipt.subject_key and second.id != receipt.id
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.regenerated"))
    assert event.actor_id == officer.id and event.data["previous_id"] == receipt.id
    with pytest.raises(Conflict):
        regenerate_letter(receipt, officer)  # only the newest version can be regenerated
    session.commit()
    run_worker()
    session.expire_all()
    second = session.get(Letter, second.id)
    assert second.status == LetterStatus.READY and second.sha256 != receipt.sha256
    assert "FS-2025-000123-O2" in pdf_text(read_bytes(second.file_id))
    assert session.get(Letter, receipt.id).status == LetterStatus.READY  # the old one stays


def test_a_failing_render_marks_the_letter_failed(
    session, claim, redis_conn, run_worker, monkeypatch
):
    # A letter kind without a builder: the job fails loudly and is retried.
    from faunaschade.documents.context import BUILDERS

    monkeypatch.delitem(BUILDERS, LetterKind.COMPLETION_REQUEST)
    letter = request_letter(claim, LetterKind.COMPLETION_REQUEST)
    session.commit()
    run_worker()
    session.expire_all()
    letter = session.get(Letter, letter.id)
    assert letter.status == LetterStatus.FAILED and letter.file_id is None
    assert "NotImplementedError" in letter.error
    assert count(session, StoredFile) == 0


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/logo.svg",
        "data:text/css,body{}",
        "letter-asset:../../../config.py",
        "letter-asset:%2e%2e/letter.css",
        "letter-asset:/etc/passwd",
        "letter-asset:missing.css",
        "letter-asset:letter.css?x=1",
    ],
)
def test_fetcher_refuses_everything_but_letter_assets(url):
    with pytest.raises(RefusedURL):
        AssetFetcher().fetch(url)


def test_fetcher_serves_letter_assets():
    response = AssetFetcher().fetch("letter-asset:letter.css")
    assert response.content_type == "text/css" and b"@page" in response.read()
    response.close()


@pytest.fixture
def http_hits():
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="{base}/pixel.png">',
        '<link rel="stylesheet" href="{base}/style.css">',
        '<style>@import url("{base}/import.css");</style>',
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
    ],
)
def test_a_template_with_outside_urls_fails_loudly_without_fetching(http_hits, markup):
    base, hits = http_hits
    html = f"<html><head></head><body><p>Brief</p>{markup.format(base=base)}</body></html>"
    with pytest.raises(RenderError, match=r"letters may only use"):
        html_to_pdf(html)
    assert hits == []


def test_pdf_a_variant_renders_with_our_fonts(session, claim):
    # PDF/A is the default, under the warnings-as-errors of the suite: no file left open
    # (WeasyPrint's own sRGB profile file was, documents/render.py reads it once instead).
    letter = request_letter(claim, LetterKind.RECEIPT)
    html = render_html(template_for(letter.kind), build_context(letter))
    pdf = html_to_pdf(html)
    gc.collect()
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert 'pdfaid:part="3"' in root["/Metadata"].get_object().get_data().decode()
    assert "/OutputIntents" in root and "FS-2025-000123-O1" in reader.pages[0].extract_text()


def test_farmer_data_is_escaped_in_letters(session, farmer, claim):
    profile_of(session, farmer).name = '<img src="file:///etc/passwd">Boer'
    letter = request_letter(claim, LetterKind.RECEIPT)
    html = render_html(template_for(letter.kind), build_context(letter))
    assert (
        '<img src="file' not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;Boer" in html
    )


def test_letters_api_is_scoped(client, session, make_user, api_token, farmer, receipt):
    pending = request_letter(
        receipt_claim := session.get(Claim, receipt.claim_id), LetterKind.DELAY_NOTICE
    )
    session.commit()
    listing = client.get(f"/api/v1/claims/{receipt_claim.id}/letters", headers=api_token(farmer))
    assert listing.status_code == 200
    assert [(row["id"], row["kind"], row["status"]) for row in listing.json] == [
        (receipt.id, "receipt", "ready"),
        (pending.id, "delay_notice", "pending"),
    ]
    assert listing.json[0]["sha256"] == receipt.sha256 and listing.json[0]["version"] == 1

    pdf = client.get(f"/api/v1/letters/{receipt.id}.pdf", headers=api_token(farmer))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == receipt.sha256
    assert pdf.headers["Content-Disposition"] == (
        "attachment; filename=FS-2025-000123-ontvangstbevestiging-v1.pdf"
    )
    assert (
        client.get(f"/api/v1/letters/{pending.id}.pdf", headers=api_token(farmer)).status_code
        == 404
    )

    officer_fr = make_user("officer", provinces=("FR",))
    assert (
        client.get(f"/api/v1/letters/{receipt.id}.pdf", headers=api_token(officer_fr)).status_code
        == 200
    )
    for outsider in (make_user("farmer"), make_user("officer", provinces=("NH",))):
        headers = api_token(outsider)
        assert (
            client.get(f"/api/v1/claims/{receipt_claim.id}/letters", headers=headers).status_code
            == 404
        )
        response = client.get(f"/api/v1/letters/{receipt.id}.pdf", headers=headers)
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/claims/{receipt_claim.id}/letters").status_code == 401
    assert client.get(f"/api/v1/letters/{receipt.id}.pdf").status_code == 401
    assert client.get("/api/v1/letters/999999.pdf", headers=api_token(farmer)).status_code == 404


def _web_login(client, user) -> None:
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302


def test_web_download_needs_login_and_scope(app, client, make_user, farmer, receipt):
    url = f"/brieven/{receipt.id}.pdf"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    _web_login(client, farmer)
    download = client.get(url)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert hashlib.sha256(download.data).hexdigest() == receipt.sha256
    other = app.test_client()
    _web_login(other, make_user("farmer"))
    assert other.get(url).status_code == 404


@pytest.mark.postgres_only
def test_two_simultaneous_renders_store_one_pdf(committed):
    with committed.app_context():
        user = create_user("race@example.nl", DEMO_PASSWORD, Role.FARMER, ())
        profile = FarmerProfile(
            user_id=user.id,
            name="Boer Race",
            kvk="00000042",
            iban="NL91ABNA0417164300",
            address="Dijk 2",
            postcode="8501 AA",
            city="Joure",
        )
        db.session.add(profile)
        db.session.flush()
        claim = make_claim(db.session, profile.id)
        letter = Letter(claim_id=claim.id, kind=LetterKind.RECEIPT, subject_key="race", version=1)
        db.session.add(letter)
        db.session.commit()
        letter_id = letter.id
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        with committed.app_context():
            try:
                start.wait()
                render_letter(letter_id)
                db.session.commit()
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with committed.app_context():
        assert count(db.session, StoredFile) == 1
        assert count(db.session, AuditEvent, AuditEvent.action == "letter.stored") == 1
        assert db.session.get(Letter, letter_id).status == LetterStatus.READY
