"""Letters that prove themselves (issue 17): PDF/A-3b, a visible PAdES signature that pyHanko's
validator accepts (and refuses on a byte-edited copy), and the public check of an upload."""

from __future__ import annotations

import hashlib
import io
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from faunaschade.documents import build_context, template_for
from faunaschade.documents.pades import FIELD_NAME
from faunaschade.documents.render import render_letter
from faunaschade.documents.signing import (
    LetterSigner,
    current_signer,
    self_signed_certificate,
    sign_pdf,
)
from faunaschade.letters.operations import request_letter
from faunaschade.models import LetterKind, LetterStatus
from faunaschade.storage import read_bytes
from tests.letters.test_letters import claim, farmer, profile_of, receipt  # noqa: F401
from tests.support.app import csrf_token_from

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext


def _validate(pdf: bytes, signer: LetterSigner):
    root = asn1_x509.Certificate.load(signer.certificate.public_bytes(serialization.Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    # pyHanko runs its own asyncio loop: in a thread, as Playwright's may run in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return signature, pool.submit(validate_pdf_signature, signature, context).result()


@pytest.fixture
def signed(receipt):  # noqa: F811
    """The receipt's stored bytes, rendered and signed by a real rq worker."""
    assert receipt.status == LetterStatus.READY
    return read_bytes(receipt.file_id)


def _edit_one_byte(pdf: bytes) -> bytes:
    # One bit of one byte of the letter as WeasyPrint wrote it (well before the signature's
    # own bytes), as a hand with a hex editor would.
    position = 5000
    assert position < pdf.index(b"/ByteRange")
    edited = bytearray(pdf)
    edited[position] ^= 0x01
    return bytes(edited)


def test_pyhankos_validator_accepts_the_letter_signed_with_our_certificate(app, signed):
    signer = current_signer()
    signature, status = _validate(signed, signer)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE" and status.modification_level.name == "NONE"
    assert hashlib.sha256(status.signing_cert.dump()).hexdigest() == signer.fingerprint
    # PAdES: CAdES detached, SHA-256.
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.md_algorithm == "sha256"
    assert "kenmerk FS-2025-000123-O1" in str(signature.sig_object["/Reason"])


def test_pyhankos_validator_rejects_a_byte_edited_copy(app, signed):
    _, status = _validate(_edit_one_byte(signed), current_signer())
    assert not status.intact and not status.bottom_line


def test_the_signature_is_visible_in_the_place_the_closing_reserved(app, signed, pdf_pages):
    reader = PdfReader(io.BytesIO(signed))
    widgets = [
        (number, annotation.get_object())
        for number, page in enumerate(reader.pages)
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/FT") == "/Sig"
    ]
    assert len(widgets) == 1
    number, widget = widgets[0]
    assert widget["/T"] == FIELD_NAME
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 > 200 and y2 - y1 > 50  # 80 × 20 mm, not an invisible 0 × 0 field
    assert int(widget["/F"]) & 4  # printed
    appearance = widget["/AP"]["/N"].get_object().get_data()
    assert b"Elektronisch ondertekend door" in appearance
    # Where the letter reserved it: the page with the closing, above the signatory's name.
    text = pdf_pages(signed)[number]
    assert "Met vriendelijke groet" in text and "teamleider Faunaschade" in text
    assert "controleert u op http://" in text.replace("\n", " ")


def _fonts(resources, seen: set) -> list:
    """Every font dictionary reachable from a resource dictionary (form XObjects included)."""
    found = []
    if resources is None:
        return found
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        key = xobject.idnum if isinstance(xobject, IndirectObject) else id(xobject)
        if key in seen:
            continue
        seen.add(key)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            found += _fonts(xobject.get("/Resources"), seen)
    return found


def _every_font(reader: PdfReader) -> list:
    seen: set = set()
    fonts = []
    for page in reader.pages:
        fonts += _fonts(page.get("/Resources"), seen)
        for annotation in page.get("/Annots", []):
            appearance = annotation.get_object().get("/AP")
            if appearance is not None:
                fonts += _fonts(appearance["/N"].get_object().get("/Resources"), seen)
    return fonts


def _descriptor(font):
    if font.get("/Subtype") == "/Type0":
        return font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
    return font.get("/FontDescriptor")


def test_the_signed_letter_declares_pdf_a_3b_and_embeds_every_font(app, signed):
    reader = PdfReader(io.BytesIO(signed))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    (intent,) = root["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert int(profile["/N"]) == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile
    # PDF/A: the Info dictionary agrees with the XMP (the signature rewrote neither).
    assert f'pdf:Producer="{reader.trailer["/Info"]["/Producer"]}"' in xmp
    assert "/NeedAppearances" not in root["/AcroForm"]
    fonts = _every_font(reader)
    assert len(fonts) >= 3  # the letter's DejaVu faces and the signature's
    for font in fonts:
        if font.get("/Subtype") == "/Type3":
            continue  # drawn by the PDF itself
        descriptor = _descriptor(font).get_object()
        embedded = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
        assert embedded, f"font {font.get('/BaseFont')} is not embedded"


def test_the_signatures_font_widths_agree_with_the_embedded_font(app, signed):
    # PDF/A asks /W to agree with the font program; pyHanko wrote font units (fixed here).
    reader = PdfReader(io.BytesIO(signed))
    widget = next(
        a.get_object()
        for page in reader.pages
        for a in page.get("/Annots", [])
        if a.get_object().get("/FT") == "/Sig"
    )
    (font,) = widget["/AP"]["/N"].get_object()["/Resources"]["/Font"].values()
    cidfont = font.get_object()["/DescendantFonts"][0].get_object()
    program = TTFont(io.BytesIO(cidfont["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
    per_em = program["head"].unitsPerEm
    order = program.getGlyphOrder()
    widths = cidfont["/W"]
    checked = 0
    for start, run in zip(widths[::2], widths[1::2], strict=True):
        for offset, width in enumerate(run):
            advance = program["hmtx"][order[int(start) + offset]][0]
            assert abs(float(width) - advance * 1000 / per_em) <= 1
            checked += 1
    assert checked > 10


# --- the public check (tests/letters/test_letter_check.py: its asynchronous side) ------------


def _check(client, data: bytes, name: str = "brief.pdf"):
    return client.post(
        "/api/v1/letters/verify",
        data={"file": (io.BytesIO(data), name, "application/pdf")},
        content_type="multipart/form-data",
    )


def _checked(client, run_worker, data: bytes) -> dict:
    """The verdict on an upload: at once (200), or queued (202), checked by a real rq worker
    and polled at the check's Location."""
    answer = _check(client, data)
    if answer.status_code == 202:
        location = answer.headers["Location"]
        assert client.get(location).json["status"] == "pending"
        run_worker()
        answer = client.get(location)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["status"] == "done"
    return answer.json["result"]


def test_the_check_says_ours_and_unchanged_without_personal_data(
    client,
    session,
    signed,
    receipt,  # noqa: F811
    farmer,  # noqa: F811
):
    answer = _check(client, signed)
    assert answer.status_code == 200, answer.json  # byte for byte a stored letter: at once
    body = answer.json["result"]
    assert body["ours"] is True and body["unchanged"] is True and body["intact"] is True
    assert body["outcome"] == "ours_unchanged"
    assert body["letter"]["kind"] == "receipt"
    assert body["letter"]["claim_reference"] == "FS-2025-000123"
    assert body["letter"]["kenmerk"] == "FS-2025-000123-O1"
    assert body["letter"]["version"] == 1 and body["letter"]["date"]
    assert body["sha256"] == receipt.sha256
    assert body["signer"] == current_signer().subject
    profile = profile_of(session, farmer)
    for personal in (profile.name, profile.address, profile.iban, profile.kvk, farmer.email):
        assert personal not in answer.get_data(as_text=True)


def test_the_check_refuses_a_byte_edited_copy(client, signed, run_worker):
    body = _checked(client, run_worker, _edit_one_byte(signed))
    assert (body["ours"], body["unchanged"], body["signed"], body["intact"]) == (
        False,
        False,
        True,
        False,
    )
    assert body["outcome"] == "changed" and body["letter"] is None


def test_something_appended_after_signing_is_ours_but_not_unchanged(client, signed, run_worker):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = writer.root["/Lang"].__class__("en")  # any change, as an update
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    body = _checked(client, run_worker, out.getvalue())
    assert body["ours"] is True and body["unchanged"] is False
    assert body["outcome"] == "ours_appended" and body["letter"]["kind"] == "receipt"


def _foreign_signer() -> LetterSigner:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Faunaschade (nep)")])
    cert = self_signed_certificate(key, name, days=1)
    return LetterSigner(cert, (cert,), key, development=True)


def test_a_letter_signed_with_another_certificate_is_not_ours(
    client,
    session,
    claim,  # noqa: F811
    run_worker,
):
    letter = request_letter(claim, LetterKind.RECEIPT)
    rendered = render_letter(template_for(letter.kind), build_context(letter))
    forged = sign_pdf(
        rendered.pdf, _foreign_signer(), rendered.signature_box, reason="x", location="y"
    )
    body = _checked(client, run_worker, forged)
    assert (body["ours"], body["unchanged"], body["signed"]) == (False, False, False)
    assert body["outcome"] == "not_ours"
    unsigned = _checked(client, run_worker, rendered.pdf)
    assert unsigned["outcome"] == "not_ours"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Kies een PDF-bestand"),
        (b"PK\x03\x04 a zip file, not a PDF", "geen PDF-bestand"),
    ],
    ids=["empty", "not-a-pdf"],
)
def test_uploads_that_are_no_pdf_are_refused_at_once_naming_the_field(client, data, expected):
    answer = _check(client, data)
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert expected in " ".join(answer.json["error"]["fields"]["file"])


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", b"%PDF-1.7\n" + b"[" * 100_000],
    ids=["broken", "deeply-nested"],
)
def test_a_pdf_pyhanko_cannot_read_is_not_verifiable(client, run_worker, data):
    body = _checked(client, run_worker, data)
    assert body["outcome"] == "unreadable" and body["ours"] is False
    assert "kan niet worden gelezen" in body["message"]


def test_no_file_field_and_a_file_too_large_are_refused(app, client):
    answer = client.post("/api/v1/letters/verify", data={}, content_type="multipart/form-data")
    assert answer.status_code == 422 and "file" in answer.json["error"]["fields"]
    app.config["LETTER_VERIFY_MAX_BYTES"] = 1024
    try:
        too_big = _check(client, b"%PDF-1.7\n" + b" " * 2000)
    finally:
        app.config["LETTER_VERIFY_MAX_BYTES"] = 5 * 1024 * 1024
    assert too_big.status_code == 422
    assert "te groot" in too_big.json["error"]["fields"]["file"][0]


def test_the_public_page_checks_an_upload_without_login(client, signed, run_worker):
    page = client.get("/brieven/controleren")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Brief controleren" in html and "Controlepunt van het auditlog" in html

    def upload(data: bytes):
        return client.post(
            "/brieven/controleren",
            data={
                "csrf_token": csrf_token_from(html),
                "file": (io.BytesIO(data), "brief.pdf", "application/pdf"),
            },
            content_type="multipart/form-data",
        )

    # The stored letter: the check's own page has the answer at once.
    answer = upload(signed)
    assert answer.status_code == 302 and "/brieven/controleren/" in answer.location
    text = client.get(answer.location).get_data(as_text=True)
    assert "Deze brief is echt: door ons ondertekend en sindsdien niet gewijzigd." in text
    assert "FS-2025-000123-O1" in text and "Bezig met controleren" not in text
    # An edited copy: "bezig" (and the script that asks again) until the worker has checked it.
    answer = upload(_edit_one_byte(signed))
    waiting = client.get(answer.location)
    text = waiting.get_data(as_text=True)
    assert "Bezig met controleren…" in text and "js/letter_check.js" in text
    assert waiting.headers["Cache-Control"] == "no-store"
    run_worker()
    text = client.get(answer.location).get_data(as_text=True)
    assert "Dit bestand is gewijzigd nadat wij het ondertekenden" in text
    assert "Bezig met controleren" not in text
    refused = upload(b"no pdf")
    assert refused.status_code == 422
    assert "Dit is geen PDF-bestand." in refused.get_data(as_text=True)
