"""Erasure forgets everything personal: the completion note, and a letter rendering meanwhile."""

import io
import threading
import time

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from faunaschade import jobs
from faunaschade.claims import completion
from faunaschade.extensions import db
from faunaschade.farmers import privacy
from faunaschade.models import (
    AuditEvent,
    ClaimStatus,
    CompletionNote,
    FarmerProfile,
    JobRecord,
    JobStatus,
    Letter,
    LetterKind,
    StoredFile,
)
from tests.support.app import make_test_app
from tests.support.claims import claim_in_status
from tests.support.decisions import assessed_claim, drenthe_people

NOTE = "Mijn buurman Jan de Vries (06-12345678) heeft de foto's gemaakt."


def test_the_farmers_completion_note_stays_out_of_the_chain_and_is_erased(session, make_user):
    users = drenthe_people("a", farmer_name="Grietje Jansen")
    claim = assessed_claim(session, users["farmer"], users["a"], users["assessor"])
    claim.status = ClaimStatus.SUBMITTED
    completion.request_completion(claim, users["a"], "Stuur de foto's van perceel 2.")
    completion.complete_claim(claim, users["farmer"], NOTE)
    session.flush()
    events = session.scalars(select(AuditEvent).where(AuditEvent.claim_id == claim.id)).all()
    assert not any(NOTE in repr(e.data) or NOTE in (e.reason or "") for e in events)
    note = session.scalar(select(CompletionNote).where(CompletionNote.claim_id == claim.id))
    assert note.text == NOTE
    exported = privacy.export_for(users["farmer"])
    assert exported["claims"][0]["completion_notes"][0]["text"] == NOTE

    claim.status = ClaimStatus.WITHDRAWN
    profile = session.scalar(
        select(FarmerProfile).where(FarmerProfile.user_id == users["farmer"].id)
    )
    privacy.erase_farmer(profile, None, force=True)
    session.flush()
    session.refresh(note)
    assert note.text == privacy.ERASED


def _pdf_text(file_id: int) -> str:
    data = db.session.get(StoredFile, file_id).data
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.postgres_only
def test_a_letter_rendering_while_the_farmer_is_erased_keeps_no_name(committed, database_url):
    slow = make_test_app(database_url, LETTER_FAULT_PAUSE_SECONDS=2.5)
    with committed.app_context():
        users = drenthe_people("a", "b", farmer_name="Grietje Jansen")
        claim = claim_in_status("decided", users)
        claim.status = ClaimStatus.PAID  # paid out: nothing keeps the farmer from erasure
        db.session.commit()
        letter = db.session.scalar(select(Letter).where(Letter.kind == LetterKind.DECISION))
        letter_id, profile_id = letter.id, claim.farmer_id
        job_id = db.session.scalar(
            select(JobRecord.id).where(
                JobRecord.name == "letters.render", JobRecord.id.contains(str(letter_id))
            )
        )
        jobs.enqueue("letters.render", "warm-up", letter_id=letter_id)
        db.session.commit()
    # Render once in this process first, so the timed render below is warm (about 0.3 s).
    jobs.core.execute("warm-up", committed)
    with committed.app_context():
        db.session.execute(db.update(Letter).values(status="pending", file_id=None))
        db.session.execute(
            db.update(JobRecord).where(JobRecord.id == job_id).values(status="queued")
        )
        db.session.commit()
    rendering = threading.Thread(target=jobs.core.execute, args=(job_id, slow))
    rendering.start()
    with committed.app_context():
        for _ in range(100):  # the job has started and rendered; it pauses before its commit
            db.session.remove()
            if db.session.get(JobRecord, job_id).status == JobStatus.STARTED:
                break
            time.sleep(0.05)
        time.sleep(1.0)
        db.session.remove()
        privacy.erase_farmer(db.session.get(FarmerProfile, profile_id), None, force=True)
        db.session.commit()
    rendering.join(30)
    with committed.app_context():
        letter = db.session.get(Letter, letter_id)
        if letter.file_id is not None:
            text = _pdf_text(letter.file_id)
            assert "Grietje Jansen" not in text and "01234567" not in text
        with slow.app_context():
            db.engine.dispose()
