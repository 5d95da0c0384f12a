"""Is this PDF one of our letters, unchanged? The public check behind the page and the API.

Anyone may upload a PDF (no login): the answer says whether we signed it (pyHanko's validator,
against our certificate), whether it is byte for byte the letter we stored (its SHA-256), and
which letter it is — kind, claim reference, kenmerk (a decision letter's is the decision's),
version, date — never a name, an address or an amount.

How a letter is recognised: the signature's signed revision (the file up to the end of its
byte range) is exactly the PDF we stored, so its SHA-256 finds the letter. A file with
something appended after the signature (a reader's annotations) still has that revision: it
is ours, but not unchanged. A byte changed inside the signed part breaks the signature.
Letters stored before letters were signed are recognised by the SHA-256 of the whole file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask import current_app
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
from faunaschade.models import Claim, Decision, Letter, LetterStatus

#: The multipart field (API) and form field (page) that carry the PDF.
FIELD = "file"


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
    outcome: str  #: ours_unchanged | ours_appended | ours_unsigned | changed | unknown | not_ours
    message: str
    sha256: str
    signer: str | None
    signed_at: str | None
    letter: LetterFacts | None


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


def verify_letter(data: bytes | None) -> Verdict:
    """Check an uploaded PDF (see the module's text); ValidationFailed for a file we cannot
    read as a PDF, naming the field."""
    pdf = check_upload(data)
    sha256 = hashlib.sha256(pdf).hexdigest()
    signer = current_signer()
    try:
        signatures = check_signatures(pdf, signer.certificate_pem)
    except UnreadablePdf:
        raise _refuse(
            _("Dit PDF-bestand kan niet worden gelezen: het is beschadigd of geen echte PDF.")
        ) from None
    mine = [s for s in signatures if s.signer_sha256 == signer.fingerprint]
    sound = next((s for s in mine if s.intact and s.valid and s.trusted), None)
    if sound is not None:
        return _signed_verdict(sound, sha256, signer.subject)
    if mine:
        return Verdict(
            ours=False,
            unchanged=False,
            signed=True,
            intact=False,
            outcome="changed",
            message=_(
                "Dit bestand is gewijzigd nadat wij het ondertekenden: het is niet de brief "
                "zoals wij die verstuurden."
            ),
            sha256=sha256,
            signer=signer.subject,
            signed_at=mine[0].signed_at,
            letter=None,
        )
    stored = _ready_letter(sha256)  # a letter from before the signatures
    if stored is not None:
        return Verdict(
            ours=True,
            unchanged=True,
            signed=False,
            intact=False,
            outcome="ours_unsigned",
            message=_(
                "Deze brief is echt en ongewijzigd: hij is gelijk aan de brief in onze "
                "administratie. Hij is van vóór de elektronische ondertekening."
            ),
            sha256=sha256,
            signer=None,
            signed_at=None,
            letter=_facts(stored),
        )
    return Verdict(
        ours=False,
        unchanged=False,
        signed=False,
        intact=False,
        outcome="not_ours",
        message=_("Dit bestand is niet door ons ondertekend: het is geen brief van Faunaschade."),
        sha256=sha256,
        signer=None,
        signed_at=None,
        letter=None,
    )


def _signed_verdict(signature: SignatureFacts, sha256: str, subject: str) -> Verdict:
    letter = _ready_letter(signature.signed_revision_sha256)
    if letter is None:
        return Verdict(
            ours=False,
            unchanged=False,
            signed=True,
            intact=True,
            outcome="unknown",
            message=_(
                "De handtekening is van ons, maar deze brief staat niet in onze administratie."
            ),
            sha256=sha256,
            signer=subject,
            signed_at=signature.signed_at,
            letter=None,
        )
    unchanged = letter.sha256 == sha256
    if unchanged:
        message = _("Deze brief is echt: door ons ondertekend en sindsdien niet gewijzigd.")
    else:
        message = _(
            "Deze brief is door ons ondertekend, maar na het ondertekenen is er iets aan het "
            "bestand toegevoegd (bijvoorbeeld aantekeningen). Wat wij ondertekenden is echt; "
            "wat erna is toegevoegd komt niet van ons."
        )
    return Verdict(
        ours=True,
        unchanged=unchanged,
        signed=True,
        intact=True,
        outcome="ours_unchanged" if unchanged else "ours_appended",
        message=message,
        sha256=sha256,
        signer=subject,
        signed_at=signature.signed_at,
        letter=_facts(letter),
    )
