"""Letters: request one, regenerate one deliberately, find one to download."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from faunaschade import jobs
from faunaschade.access import get_claim_in_scope_or_404
from faunaschade.audit import chain as audit
from faunaschade.documents import KIND_TITLES
from faunaschade.errors import Conflict, NotFound
from faunaschade.extensions import db
from faunaschade.models import Claim, Decision, Letter, LetterKind, LetterStatus
from faunaschade.storage import read_bytes

#: Letters about a decision rather than about the claim as a whole.
DECISION_KINDS = frozenset({LetterKind.DECISION, LetterKind.OBJECTION_DECISION})
#: The job that renders and stores a letter.
RENDER_JOB = "letters.render"


def subject_key(
    claim: Claim, kind: LetterKind, decision: Decision | None = None, subject: str | None = None
) -> str:
    """What a letter is about; one letter (per version) exists for each subject key."""
    if kind in DECISION_KINDS:
        if decision is None or decision.claim_id != claim.id:
            raise ValueError(f"a {kind.value} letter needs a decision of claim {claim.id}")
        return f"{kind.value}-decision-{decision.id}"
    if decision is not None:
        raise ValueError(f"a {kind.value} letter is about the claim, not a decision")
    return f"{kind.value}-claim-{claim.id}" + (f"-{subject}" if subject else "")


def latest_letter(key: str) -> Letter | None:
    """The newest version of the letter with this subject key."""
    return db.session.scalar(
        select(Letter).where(Letter.subject_key == key).order_by(Letter.version.desc()).limit(1)
    )


def _insert(letter: Letter) -> bool:
    # A savepoint, so a racing request for the same subject and version loses cleanly.
    try:
        with db.session.begin_nested():
            db.session.add(letter)
    except IntegrityError:
        return False
    return True


def _enqueue_render(letter: Letter) -> None:
    jobs.enqueue(RENDER_JOB, f"letter-{letter.id}-v{letter.version}", letter_id=letter.id)


def request_letter(
    claim: Claim,
    kind: LetterKind,
    *,
    decision: Decision | None = None,
    actor: Any = None,
    subject: str | None = None,
) -> Letter:
    """The letter for this subject: created pending and queued for rendering, or the existing one.

    `subject` tells letters of a kind apart that can recur for one claim (e.g. a second
    completion request); decision letters are told apart by their decision.
    """
    key = subject_key(claim, kind, decision, subject)
    existing = latest_letter(key)
    if existing is not None:
        return existing
    letter = Letter(
        claim_id=claim.id,
        decision_id=decision.id if decision else None,
        kind=kind,
        subject_key=key,
        version=1,
        status=LetterStatus.PENDING,
    )
    if not _insert(letter):
        raced = latest_letter(key)
        assert raced is not None  # the insert failed because this row exists
        return raced
    audit.record(
        "letter.requested",
        letter,
        actor=actor,
        claim_id=claim.id,
        data={"kind": kind.value, "version": 1, "subject_key": key},
    )
    _enqueue_render(letter)
    return letter


def regenerate_letter(letter: Letter, actor: Any, reason: str | None = None) -> Letter:
    """A new version of a rendered (or failed) letter, queued for rendering; the old one stays."""
    latest = latest_letter(letter.subject_key)
    if latest is not None and latest.id != letter.id:
        raise Conflict(
            _(
                "Er is al een nieuwere versie van deze brief (versie %(version)s).",
                version=latest.version,
            )
        )
    if letter.status == LetterStatus.PENDING:
        raise Conflict(_("Deze brief wordt nog opgemaakt; probeer het straks opnieuw."))
    new = Letter(
        claim_id=letter.claim_id,
        decision_id=letter.decision_id,
        kind=letter.kind,
        subject_key=letter.subject_key,
        version=letter.version + 1,
        status=LetterStatus.PENDING,
    )
    if not _insert(new):
        raise Conflict(_("Deze brief wordt al opnieuw opgemaakt."))
    audit.record(
        "letter.regenerated",
        new,
        actor=actor,
        claim_id=letter.claim_id,
        reason=reason,
        data={"kind": new.kind.value, "version": new.version, "previous_id": letter.id},
    )
    _enqueue_render(new)
    return new


def letters_of(claim: Claim) -> list[Letter]:
    """Every letter (all versions) of a claim, oldest first."""
    return list(
        db.session.scalars(select(Letter).where(Letter.claim_id == claim.id).order_by(Letter.id))
    )


def ready_letter_in_scope_or_404(letter_id: int, user: Any = None) -> Letter:
    """A rendered letter whose claim the user may see; 404 otherwise (also while pending)."""
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        raise NotFound(_("Brief niet gevonden."))
    get_claim_in_scope_or_404(letter.claim_id, user)
    if letter.status != LetterStatus.READY or letter.file_id is None:
        raise NotFound(_("Deze brief is nog niet beschikbaar."))
    return letter


def pdf_download(letter_id: int, user: Any = None) -> tuple[bytes, str]:
    """The PDF bytes and a safe file name of a rendered letter in the user's scope; 404 else."""
    letter = ready_letter_in_scope_or_404(letter_id, user)
    assert letter.file_id is not None  # ready letters have their file
    return read_bytes(letter.file_id), download_name(letter)


def download_name(letter: Letter) -> str:
    """A safe file name, e.g. FS-2025-000123-ontvangstbevestiging-v1.pdf."""
    reference = db.session.scalar(select(Claim.reference).where(Claim.id == letter.claim_id))
    title = KIND_TITLES[letter.kind].replace(" ", "-")
    name = f"{reference}-{title}-v{letter.version}"
    return re.sub(r"[^A-Za-z0-9_-]", "_", name) + ".pdf"
