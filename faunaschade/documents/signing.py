"""The service's signing certificate: PAdES signatures on letters, signed audit checkpoints.

One certificate and key for every province's letters (LETTER_SIGNING_CERT, LETTER_SIGNING_KEY,
LETTER_SIGNING_KEY_PASSPHRASE: a PEM file's path or the PEM text itself). Production refuses to
start without them (config.py); development and tests make a self-signed *development*
certificate once, in ``instance/letter-signing/`` (never committed), so `make run` signs too.

A letter is signed after WeasyPrint rendered it and before it is stored, as an incremental
update (the PDF/A-3b file stays as it was; the signature is appended): a PAdES baseline (B-B)
signature (SubFilter ETSI.CAdES.detached, SHA-256) with a visible appearance in the place the
letter's closing reserved (documents.render.SignatureBox), its text in DejaVu Sans, embedded
as PDF/A asks.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from flask import current_app
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
#: Where the development certificate is made (under the project's instance/ folder).
DEV_DIRECTORY = Path(__file__).resolve().parents[2] / "instance" / "letter-signing"
#: The development certificate's name: no reader will mistake it for a province's.
DEV_SUBJECT = "Faunaschade ontwikkelcertificaat (niet voor productie)"
#: The font of the signature's appearance (embedded: PDF/A allows no other).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
#: What the visible signature says (the signer's name from the certificate, Dutch time).
STAMP_TEXT = "Elektronisch ondertekend door\n%(signer)s\nop %(moment)s"
STAMP_FONT_SIZE = 8


class SigningUnavailable(RuntimeError):
    """The signing certificate or key cannot be used (named in the message)."""


@dataclass(frozen=True)
class LetterSigner:
    """The certificate (with its chain) and the key that sign letters and checkpoints."""

    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    development: bool

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (DER), hex: names the certificate in checkpoints."""
        return self.certificate.fingerprint(hashes.SHA256()).hex()

    @property
    def subject(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()

    @property
    def algorithm(self) -> str:
        return "ecdsa-sha256" if isinstance(self.key, ec.EllipticCurvePrivateKey) else "rsa-sha256"

    def sign_bytes(self, data: bytes) -> str:
        """A detached signature over `data` (base64): RSA PKCS#1 v1.5 or ECDSA, SHA-256."""
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            raw = self.key.sign(data, ec.ECDSA(hashes.SHA256()))
        else:
            raw = self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode()


def verify_bytes(certificate: x509.Certificate, data: bytes, signature: str) -> bool:
    """True when `signature` (base64) over `data` was made with the certificate's key."""
    try:
        raw = base64.b64decode(signature, validate=True)
        public = certificate.public_key()
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(raw, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(raw, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _pem(setting: str, what: str) -> bytes:
    """The PEM text of a setting: the text itself, or the file it names."""
    if "-----BEGIN" in setting:
        return setting.encode()
    try:
        return Path(setting).read_bytes()
    except OSError as exc:
        raise SigningUnavailable(f"{what}: cannot read {setting!r} ({exc.strerror})") from exc


def load_signer(cert_setting: str, key_setting: str, passphrase: str | None) -> LetterSigner:
    """Load and check a certificate (chain) and key; SigningUnavailable names what is wrong."""
    try:
        chain = tuple(x509.load_pem_x509_certificates(_pem(cert_setting, "LETTER_SIGNING_CERT")))
    except ValueError as exc:
        raise SigningUnavailable(f"LETTER_SIGNING_CERT: not a PEM certificate ({exc})") from exc
    try:
        key = serialization.load_pem_private_key(
            _pem(key_setting, "LETTER_SIGNING_KEY"),
            password=passphrase.encode() if passphrase else None,
        )
    except (ValueError, TypeError) as exc:
        raise SigningUnavailable(
            f"LETTER_SIGNING_KEY: not a PEM private key, or the wrong passphrase ({exc})"
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningUnavailable("LETTER_SIGNING_KEY: only RSA and EC keys are supported")
    certificate = chain[0]
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(
        serialization.Encoding.DER, public
    ) != certificate.public_key().public_bytes(serialization.Encoding.DER, public):
        raise SigningUnavailable(
            "LETTER_SIGNING_KEY does not belong to LETTER_SIGNING_CERT (its first certificate)"
        )
    return LetterSigner(certificate, chain, key, development=False)


def development_certificate(directory: Path = DEV_DIRECTORY) -> tuple[Path, Path]:
    """The self-signed development certificate and key (made once; never for production)."""
    cert_path, key_path = directory / "certificate.pem", directory / "key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    directory.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_SUBJECT),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Faunaschade (ontwikkeling)"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    # Made in a folder of its own and renamed into place: two processes starting together
    # (test workers, gunicorn's) end up with one certificate, never half of two.
    staging = Path(tempfile.mkdtemp(prefix=".letter-signing-", dir=directory.parent))
    (staging / "certificate.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file = staging / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    try:
        os.rename(staging, directory)
    except OSError:  # another process was first: use theirs
        shutil.rmtree(staging, ignore_errors=True)
    return cert_path, key_path


@cache
def _cached_signer(cert: str, key: str, passphrase: str | None, development: bool) -> LetterSigner:
    signer = load_signer(cert, key, passphrase)
    return LetterSigner(signer.certificate, signer.chain, signer.key, development)


def current_signer() -> LetterSigner:
    """The configured signer; outside production, the development certificate if none is set."""
    config = current_app.config
    cert, key = config.get("LETTER_SIGNING_CERT"), config.get("LETTER_SIGNING_KEY")
    passphrase = config.get("LETTER_SIGNING_KEY_PASSPHRASE")
    if cert and key:
        return _cached_signer(cert, key, passphrase, False)
    if config.get("ENV_NAME") == "production":
        raise SigningUnavailable("LETTER_SIGNING_CERT and LETTER_SIGNING_KEY are not set")
    cert_path, key_path = development_certificate()
    return _cached_signer(str(cert_path), str(key_path), None, True)


#: The characters the stamp may need: Latin (Dutch and other names), punctuation, the euro.
STAMP_CHARACTERS = [*range(0x20, 0x250), *range(0x2000, 0x2070), 0x20AC]


@cache
def _font_bytes() -> bytes:
    """DejaVu Sans, cut to the stamp's characters and scaled to 1000 units per em.

    pyHanko 0.38 writes glyph widths (/W) and kerning in the font's own units, which PDF reads
    as thousandths of the font size: DejaVu's 2048 units per em spaced the stamp's letters
    twice as wide, and PDF/A requires /W to agree with the embedded font. At 1000 units both
    are right. Made once per process (about half a second); without the layout tables (GSUB,
    GPOS, GDEF), which pyHanko decompiled and subset anew for every signature."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            font = TTFont(candidate)
            break
    else:
        raise SigningUnavailable("DejaVu Sans is not installed (fonts-dejavu-core)")
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
    one hands the accumulator the prepared bytes (above)."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:  # type: ignore[no-untyped-def]
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes()),
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
def _pyhanko_signer(signer: LetterSigner) -> signers.SimpleSigner:
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
def _reserved_bytes(signer: LetterSigner) -> int:
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
def _stamp_style() -> TextStampStyle:
    return TextStampStyle(
        stamp_text=STAMP_TEXT,
        border_width=1,
        text_box_style=TextBoxStyle(
            font=_FontInMemory("DejaVuSans.ttf", font_size=STAMP_FONT_SIZE),
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
    pdf: bytes, signer: LetterSigner, box: SignatureBox | None, *, reason: str, location: str
) -> bytes:
    """The PDF with a PAdES (B-B) signature appended; visible in `box` when given."""
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
        metadata, signer=_pyhanko_signer(signer), stamp_style=_stamp_style()
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
