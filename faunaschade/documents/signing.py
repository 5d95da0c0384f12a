"""The service's signing certificate: PAdES signatures on letters, signed audit checkpoints.

One certificate and key for every province's letters (LETTER_SIGNING_CERT, LETTER_SIGNING_KEY,
LETTER_SIGNING_KEY_PASSPHRASE: a PEM file's path or the PEM text itself). Production refuses to
start without them (config.py); development and tests make a self-signed *development*
certificate once, in ``instance/letter-signing/`` (never committed), so `make run` signs too.

A letter is signed after WeasyPrint rendered it and before it is stored, as an incremental
update (the PDF/A-3b file stays as it was; the signature is appended): a PAdES baseline (B-B)
signature (SubFilter ETSI.CAdES.detached, SHA-256) with a visible appearance in the place the
letter's closing reserved (documents.render.SignatureBox), its text in DejaVu Sans, embedded
as PDF/A asks. The signature itself is pyHanko's work, in documents/pades.py: imported by the
first signature, not with this module (the app, the web workers and audit checkpoints load the
certificate here and never sign a PDF).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from flask import current_app

from faunaschade.documents.render import SignatureBox

#: Where the development certificate is made (under the project's instance/ folder).
DEV_DIRECTORY = Path(__file__).resolve().parents[2] / "instance" / "letter-signing"
#: The development certificate's name: no reader will mistake it for a province's.
DEV_SUBJECT = "Faunaschade ontwikkelcertificaat (niet voor productie)"
#: The font of the signature's appearance (embedded: PDF/A allows no other).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


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


def self_signed_certificate(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    name: x509.Name,
    *,
    days: int,
    extensions: Sequence[tuple[x509.ExtensionType, bool]] = (),
) -> x509.Certificate:
    """A certificate for `key`, issued by itself to `name`, valid from yesterday for `days`
    days, with (extension, critical) pairs (development certificates and tests)."""
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(key, hashes.SHA256())


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
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = self_signed_certificate(
        key,
        name,
        days=3650,
        extensions=[(x509.BasicConstraints(ca=False, path_length=None), True), (usage, True)],
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


def _stamp_font() -> str:
    """The font file of the stamp; SigningUnavailable when it is not installed."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    raise SigningUnavailable("DejaVu Sans is not installed (fonts-dejavu-core)")


def sign_pdf(
    pdf: bytes, signer: LetterSigner, box: SignatureBox | None, *, reason: str, location: str
) -> bytes:
    """The PDF with a PAdES (B-B) signature appended; visible in `box` when given."""
    # pyHanko and fontTools are imported here, on the first signature (see pades.py).
    from faunaschade.documents import pades

    return pades.sign_pdf(
        pdf, signer, box, reason=reason, location=location, font_file=_stamp_font()
    )
