"""Letter jobs: render a requested letter to PDF and store it once."""

from __future__ import annotations

import logging
import time

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError

from faunaschade.audit import chain as audit
from faunaschade.documents import build_context, template_for
from faunaschade.documents import render as letter_render
from faunaschade.documents.signing import current_signer, sign_pdf
from faunaschade.extensions import db
from faunaschade.jobs.core import job
from faunaschade.models import Claim, FarmerProfile, Letter, LetterStatus
from faunaschade.models.base import locked, utcnow
from faunaschade.models.decisions import LETTER_LIFECYCLE
from faunaschade.storage import store_bytes

log = logging.getLogger(__name__)


@job("letters.render", queue="letters", timeout=120, retries=3)
def render_letter(letter_id: int) -> None:
    """Render, store and audit one letter; a ready letter is left alone (idempotent)."""
    # The farmer's profile FOR SHARE first: an erasure (its row lock) waits until this
    # letter is stored and then wipes it, or runs first and this letter renders the erased
    # values; never a PDF with the name stored after the erasure. Then the letter's row lock:
    # a second run of the same job waits here until the first commits, then finds the letter
    # ready. Always in this order.
    db.session.execute(profile_for_share(letter_id)).all()
    letter = locked(Letter, letter_id)
    if letter is None:
        raise LookupError(f"letter {letter_id} does not exist")
    if letter.status == LetterStatus.READY:
        return
    try:
        variant = current_app.config.get("LETTER_PDF_VARIANT") or letter_render.PDF_VARIANT
        context = build_context(letter)
        rendered = letter_render.render_letter(
            template_for(letter.kind), context, pdf_variant=variant
        )
        # Signed before it is stored: the stored bytes and their SHA-256 are the signed PDF.
        signer = current_signer()
        common = context["letter"]
        pdf = sign_pdf(
            rendered.pdf,
            signer,
            rendered.signature_box,
            reason=f"{common.title.capitalize()}, kenmerk {common.kenmerk}",
            location=f"Provincie {common.province_name}",
        )
        stored = store_bytes(pdf, "application/pdf")
        letter.file_id, letter.sha256 = stored.id, stored.sha256
        LETTER_LIFECYCLE.transition(letter, LetterStatus.READY)
        letter.rendered_at, letter.error = utcnow(), None
        audit.record(
            "letter.stored",
            letter,
            claim_id=letter.claim_id,
            data={
                "sha256": stored.sha256,
                "kind": letter.kind.value,
                "version": letter.version,
                "certificate_sha256": signer.fingerprint,
            },
        )
        db.session.flush()
        if pause := current_app.config.get("LETTER_FAULT_PAUSE_SECONDS", 0):
            time.sleep(pause)  # fault injection: lets a test kill the worker mid-letter
    except Exception as exc:
        _mark_failed(letter_id, exc)
        raise


def warm_up() -> None:
    """Send once what a letter job sends, for the newest letter of each kind, and roll back.

    `flask worker` calls this before it forks a work-horse per job: SQLAlchemy compiles each
    statement once per process and keeps it, so compiled here the statements are the parent's,
    shared with every child, instead of compiled again in each (about 13 ms of CPU a letter).
    Nothing is written; a letter whose context cannot be built is left to its own job."""
    newest = select(func.max(Letter.id)).group_by(Letter.kind)
    try:
        for letter_id in db.session.scalars(newest).all():
            db.session.execute(profile_for_share(letter_id)).all()
            letter = locked(Letter, letter_id)
            if letter is not None:
                build_context(letter)
    except Exception:
        log.warning("letter warm-up: a context could not be built", exc_info=True)
    finally:
        db.session.rollback()
        db.session.remove()


def profile_for_share(letter_id: int) -> Select[tuple[int]]:
    """The letter's farmer profile, FOR SHARE (render_letter's first statement)."""
    return (
        select(FarmerProfile.id)
        .join(Claim, Claim.farmer_id == FarmerProfile.id)
        .join(Letter, Letter.claim_id == Claim.id)
        .where(Letter.id == letter_id)
        .with_for_update(read=True, of=FarmerProfile)
    )


def _mark_failed(letter_id: int, exc: Exception) -> None:
    # Own short transaction, so the officer sees why; rq retries the job after this.
    db.session.rollback()
    try:
        # Only a letter that can still fail (pending or failed, not one already stored).
        db.session.execute(
            LETTER_LIFECYCLE.update(
                LetterStatus.FAILED,
                Letter.id == letter_id,
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
        )
        db.session.commit()
    except SQLAlchemyError:  # the database itself is the problem: the job row says enough
        db.session.rollback()
        log.warning("could not mark letter %s failed", letter_id, exc_info=True)
