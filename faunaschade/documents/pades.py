"""The PAdES signature on a letter, with pyHanko: the signature field, the visible stamp in
the place the letter's closing reserved (documents.render.SignatureBox), and the CMS made with
the service's certificate and key (documents.signing.LetterSigner, which calls this module).

pyHanko and fontTools cost about 0.4 s of imports, so this module is imported by the first
signature (documents.signing.sign_pdf), not with the app: the web workers and the commands
never sign. `flask worker` signs a sample letter before it forks (documents.samples.warm_up),
so its work-horses start with all of this loaded, the key loaded and the stamp's font cut.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Protocol, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

from faunaschade.documents.render import SignatureBox
from faunaschade.models.base import utcnow
from faunaschade.money import dutch_moment

with warnings.catch_warnings():
    # cryptography deprecates DSA, which pyHanko still imports (we sign with RSA or ECDSA).
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

T = TypeVar("T")

# fontTools says which tables of DejaVu it leaves out of the subset, once per signature.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

#: The signature field every letter carries.
FIELD_NAME = "Handtekening"
#: What the visible signature says (the signer's name from the certificate, Dutch time).
STAMP_TEXT = "Elektronisch ondertekend door\n%(signer)s\nop %(moment)s"
STAMP_FONT_SIZE = 8


class Signer(Protocol):
    """What signing needs of documents.signing.LetterSigner (hashable: the key of the caches
    below; not imported from there, which imports this module)."""

    @property
    def chain(self) -> tuple[x509.Certificate, ...]: ...

    @property
    def key(self) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey: ...

    @property
    def subject(self) -> str: ...


#: The characters the stamp may need: Latin (Dutch and other names), punctuation, the euro.
STAMP_CHARACTERS = [*range(0x20, 0x250), *range(0x2000, 0x2070), 0x20AC]


@cache
def _font_bytes(font_file: str) -> bytes:
    """The font (DejaVu Sans), cut to the stamp's characters and scaled to 1000 units per em.

    pyHanko 0.38 writes glyph widths (/W) and kerning in the font's own units, which PDF reads
    as thousandths of the font size: DejaVu's 2048 units per em spaced the stamp's letters
    twice as wide, and PDF/A requires /W to agree with the embedded font. At 1000 units both
    are right. Made once per process (about half a second); without the layout tables (GSUB,
    GPOS, GDEF), which pyHanko decompiled and subset anew for every signature."""
    font = TTFont(font_file)
    options = subset.Options()
    options.name_IDs, options.notdef_outline = ["*"], True
    # No layout tables (kerning, ligatures): the stamp is three short lines, and pyHanko
    # parses and subsets them again for every signature (they were most of its cost).
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=STAMP_CHARACTERS)
    cutter.subset(font)
    scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class _FontInMemory(GlyphAccumulatorFactory):
    """pyHanko's factory opens the font file for every signature and never closes it; this
    one hands the accumulator the prepared bytes of its font file (above)."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:  # type: ignore[no-untyped-def]
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes(self.font_file)),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner with the key loaded once.

    SimpleSigner keeps the key as ASN.1 and loads it into `cryptography` for every raw
    signature, twice per letter (the size estimate signs too): loading checks a 3072-bit RSA
    key, about 140 ms each time, most of what signing cost. Here the loaded key signs."""

    def __init__(self, *, loaded_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self._loaded_key = loaded_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        algorithm = get_pyca_cryptography_hash(digest_algorithm)
        key = self._loaded_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), algorithm)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(algorithm))
        return super().sign_raw(data, digest_algorithm)


@cache
def _pyhanko_signer(signer: Signer) -> signers.SimpleSigner:
    """pyHanko's signer for our certificate and key: built once per process (the worker builds
    it before it forks, in documents.samples.warm_up)."""
    der = serialization.Encoding.DER
    certificates = [asn1_x509.Certificate.load(c.public_bytes(der)) for c in signer.chain]
    key = asn1_keys.PrivateKeyInfo.load(
        signer.key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return _LoadedKeySigner(
        signing_cert=certificates[0],
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs(certificates),
        loaded_key=signer.key,
    )


@cache
def _reserved_bytes(signer: Signer) -> int:
    """Room for the signature's CMS (hex) in the PDF, worked out once per process.

    pyHanko estimates it for every letter by making a whole trial signature first. For a
    B-B signature without a timestamp the size depends only on the certificate (chain) and
    key, so one trial per process is enough; the same margin as pyHanko's (half again)."""
    pyhanko_signer = _pyhanko_signer(signer)
    attributes = PdfCMSSignedAttributes(signing_time=dt.datetime.now(dt.UTC))
    digest = hashes.Hash(hashes.SHA256()).finalize()

    def trial() -> int:
        container = asyncio.run(
            pyhanko_signer.async_sign(
                digest, "sha256", dry_run=True, use_pades=True, signed_attr_settings=attributes
            )
        )
        return len(container.dump()) * 2

    size = _outside_any_event_loop(trial)
    return size + 2 * (size // 4)


@cache
def _stamp_style(font_file: str) -> TextStampStyle:
    return TextStampStyle(
        stamp_text=STAMP_TEXT,
        border_width=1,
        text_box_style=TextBoxStyle(
            font=_FontInMemory(font_file, font_size=STAMP_FONT_SIZE),
            font_size=STAMP_FONT_SIZE,
            leading=STAMP_FONT_SIZE + 3,
        ),
    )


class _KeepMetadataWriter(IncrementalPdfFileWriter):
    """An incremental update that leaves the document's metadata as WeasyPrint wrote it.

    pyHanko would write its name as the producer: "pyHanko" into the XMP packet and
    "WeasyPrint; pyHanko" into the Info dictionary, which PDF/A requires to agree (and a
    modification date into the XMP only). The signature changes nothing the metadata
    describes, so nothing of it is rewritten (tests/letters check Info against XMP)."""

    def _update_meta(self) -> None:
        return None


def sign_pdf(
    pdf: bytes,
    signer: Signer,
    box: SignatureBox | None,
    *,
    reason: str,
    location: str,
    font_file: str,
) -> bytes:
    """The PDF with a PAdES (B-B) signature appended; visible in `box` when given, its text in
    the font of `font_file`."""
    writer = _KeepMetadataWriter(io.BytesIO(pdf))
    if box is not None:
        fields.append_signature_field(
            writer, fields.SigFieldSpec(FIELD_NAME, on_page=box.page, box=box.box)
        )
    else:
        fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=signer.subject,
    )
    pdf_signer = signers.PdfSigner(
        metadata, signer=_pyhanko_signer(signer), stamp_style=_stamp_style(font_file)
    )

    reserved = _reserved_bytes(signer)

    def sign() -> bytes:
        moment = dutch_moment(utcnow())
        return pdf_signer.sign_pdf(
            writer,
            appearance_text_params={"moment": moment},
            bytes_reserved=reserved,
        ).getvalue()

    return _outside_any_event_loop(sign)


def _outside_any_event_loop(work: Callable[[], T]) -> T:
    """pyHanko's signing runs its own asyncio loop (asyncio.run), which a thread that already
    runs one refuses (an async server, Playwright's sync API in the browser tests): there, in
    a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
