"""Is this PDF one of our letters, unchanged? The verdict behind the public check.

Anyone may upload a PDF (no login): the answer says whether we signed it (pyHanko's validator,
against our certificate), whether it is byte for byte the letter we stored (its SHA-256), and
which letter it is — kind, claim reference, kenmerk (a decision letter's is the decision's),
version, date — never a name, an address or an amount.

How a letter is recognised: the signature's signed revision (the file up to the end of its
byte range) is exactly the PDF we stored, so its SHA-256 finds the letter. A file with
something appended after the signature (a reader's annotations) still has that revision: it
is ours, but not unchanged. A byte changed inside the signed part breaks the signature.
Letters stored before letters were signed are recognised by the SHA-256 of the whole file.

Two ways to a verdict: `stored_verdict` answers at once when the upload is byte for byte a
letter we stored (no parsing at all); `verdict_for` runs pyHanko in a child process, which
takes a second or more, so it runs in the worker (letters.checks), never in a request.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext
from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade.clock import local_day
from faunaschade.documents import KIND_TITLES
from faunaschade.documents.context import letter_kenmerk
from faunaschade.documents.signature_check import (
    SignatureFacts,
    UnreadablePdf,
    check_signatures,
)
from faunaschade.documents.signing import current_signer
from faunaschade.errors import ValidationFailed
from faunaschade.extensions import db
from faunaschade.i18n import N_
from faunaschade.models import AuditEvent, Claim, Decision, Letter, LetterStatus

#: The multipart field (API) and form field (page) that carry the PDF.
FIELD = "file"

#: What each outcome tells the person who checked (Dutch message ids, translated where shown).
MESSAGES = {
    "ours_unchanged": N_("Deze brief is echt: door ons ondertekend en sindsdien niet gewijzigd."),
    "ours_appended": N_(
        "Deze brief is door ons ondertekend, maar na het ondertekenen is er iets aan het "
        "bestand toegevoegd (bijvoorbeeld aantekeningen). Wat wij ondertekenden is echt; "
        "wat erna is toegevoegd komt niet van ons."
    ),
    "ours_unsigned": N_(
        "Deze brief is echt en ongewijzigd: hij is gelijk aan de brief in onze "
        "administratie. Hij is van vóór de elektronische ondertekening."
    ),
    "changed": N_(
        "Dit bestand is gewijzigd nadat wij het ondertekenden: het is niet de brief "
        "zoals wij die verstuurden."
    ),
    "unknown": N_("De handtekening is van ons, maar deze brief staat niet in onze administratie."),
    "not_ours": N_("Dit bestand is niet door ons ondertekend: het is geen brief van Faunaschade."),
    "unreadable": N_(
        "Dit PDF-bestand kan niet worden gelezen: het is beschadigd of geen echte PDF."
    ),
}


@dataclass(frozen=True)
class LetterFacts:
    """What the check tells about a letter of ours: no personal data."""

    kind: str
    title: str
    claim_reference: str
    kenmerk: str
    decision_kenmerk: str | None
    version: int
    date: date | None


@dataclass(frozen=True)
class Verdict:
    """The answer: ours (we signed it and stored it), unchanged (byte for byte), which letter."""

    ours: bool
    unchanged: bool
    signed: bool  #: it carries a signature of ours (intact or not)
    intact: bool  #: that signature's signed bytes are unchanged and the signature is sound
    outcome: str  #: a key of MESSAGES
    sha256: str
    signer: str | None
    signed_at: str | None
    letter: LetterFacts | None

    @property
    def message(self) -> str:
        """What the outcome means, in the reader's language."""
        return gettext(MESSAGES[self.outcome])

    def to_json(self) -> dict[str, Any]:
        """Plain values to keep with a check (no message: it is translated where shown)."""
        values = asdict(self)
        if self.letter is not None and self.letter.date is not None:
            values["letter"]["date"] = self.letter.date.isoformat()
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> Verdict:
        letter = values.get("letter")
        if letter is not None:
            day = letter.get("date")
            letter = LetterFacts(**{**letter, "date": date.fromisoformat(day) if day else None})
        return cls(**{**values, "letter": letter})


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={FIELD: [message]})


def check_upload(data: bytes | None) -> bytes:
    """The upload if it can be a PDF we would check; ValidationFailed naming `file` if not."""
    if not data:
        raise _refuse(_("Kies een PDF-bestand om te controleren."))
    limit = current_app.config["LETTER_VERIFY_MAX_BYTES"]
    if len(data) > limit:
        raise _refuse(
            _(
                "Het bestand is te groot (hoogstens %(mb)s MB); onze brieven zijn veel kleiner.",
                mb=limit // (1024 * 1024),
            )
        )
    # A PDF starts with %PDF- (readers accept it within the first 1024 bytes).
    if b"%PDF-" not in data[:1024]:
        raise _refuse(_("Dit is geen PDF-bestand."))
    return data


def _ready_letter(sha256: str) -> Letter | None:
    return db.session.scalar(
        select(Letter)
        .where(Letter.sha256 == sha256, Letter.status == LetterStatus.READY)
        .order_by(Letter.id)
        .limit(1)
    )


def _facts(letter: Letter) -> LetterFacts:
    reference = db.session.scalar(select(Claim.reference).where(Claim.id == letter.claim_id))
    decision_kenmerk = None
    if letter.decision_id is not None:
        decision_kenmerk = db.session.scalar(
            select(Decision.kenmerk).where(Decision.id == letter.decision_id)
        )
    return LetterFacts(
        kind=letter.kind.value,
        title=KIND_TITLES[letter.kind],
        claim_reference=reference or "",
        kenmerk=letter_kenmerk(letter),
        decision_kenmerk=decision_kenmerk,
        version=letter.version,
        date=local_day(letter.rendered_at) if letter.rendered_at else None,
    )


def _verdict(outcome: str, sha256: str, **facts: Any) -> Verdict:
    values: dict[str, Any] = {
        "ours": False,
        "unchanged": False,
        "signed": False,
        "intact": False,
        "signer": None,
        "signed_at": None,
        "letter": None,
    }
    return Verdict(outcome=outcome, sha256=sha256, **{**values, **facts})


def stored_verdict(pdf: bytes) -> Verdict | None:
    """The verdict at once when the upload is byte for byte a letter we stored; else None.

    Nothing is parsed: the stored SHA-256 is the signed PDF's (or, before letters were signed,
    the unsigned one's), and the letter's `letter.stored` audit event names the certificate
    that signed it."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    letter = _ready_letter(sha256)
    if letter is None:
        return None
    stored = db.session.scalar(
        select(AuditEvent.data)
        .where(
            AuditEvent.action == "letter.stored",
            AuditEvent.object_type == "letter",
            AuditEvent.object_id == letter.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    certificate = (stored or {}).get("certificate_sha256")
    if certificate is None:
        return _verdict("ours_unsigned", sha256, ours=True, unchanged=True, letter=_facts(letter))
    signer = current_signer()
    return _verdict(
        "ours_unchanged",
        sha256,
        ours=True,
        unchanged=True,
        signed=True,
        intact=True,
        signer=signer.subject if certificate == signer.fingerprint else None,
        signed_at=letter.rendered_at.isoformat() if letter.rendered_at else None,
        letter=_facts(letter),
    )


def verdict_for(pdf: bytes) -> Verdict:
    """Check an upload's signatures with pyHanko (in a child process: a second or more, up to
    its timeout for a hostile file) and find the letter; for the worker, not for a request."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    signer = current_signer()
    try:
        signatures = check_signatures(pdf, signer.certificate_pem)
    except UnreadablePdf:
        return _verdict("unreadable", sha256)
    mine = [s for s in signatures if s.signer_sha256 == signer.fingerprint]
    sound = next((s for s in mine if s.intact and s.valid and s.trusted), None)
    if sound is not None:
        return _signed_verdict(sound, sha256, signer.subject)
    if mine:
        return _verdict(
            "changed", sha256, signed=True, signer=signer.subject, signed_at=mine[0].signed_at
        )
    return stored_verdict(pdf) or _verdict("not_ours", sha256)


def _signed_verdict(signature: SignatureFacts, sha256: str, subject: str) -> Verdict:
    signed = {"signed": True, "intact": True, "signer": subject, "signed_at": signature.signed_at}
    letter = _ready_letter(signature.signed_revision_sha256)
    if letter is None:
        return _verdict("unknown", sha256, **signed)
    unchanged = letter.sha256 == sha256
    return _verdict(
        "ours_unchanged" if unchanged else "ours_appended",
        sha256,
        ours=True,
        unchanged=unchanged,
        letter=_facts(letter),
        **signed,
    )
