"""Letters are legal documents and stay Dutch, also when the reader chose English for the pages:
the letters of a decided claim, built and rendered inside a request that speaks English."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from faunaschade.documents import build_context, render_html, template_for
from faunaschade.letters.operations import request_letter
from faunaschade.models import Assessment, Letter, LetterKind


def test_letters_are_dutch_whatever_the_page_language(app, session, claim_in):
    claim = claim_in("decided")
    assessment = session.scalar(select(Assessment).where(Assessment.claim_id == claim.id))
    request_letter(claim, LetterKind.ASSESSMENT_CONFIRMATION, subject=f"assessment-{assessment.id}")
    session.flush()
    letters = session.scalars(select(Letter).where(Letter.claim_id == claim.id)).all()
    assert {letter.kind.value for letter in letters} >= {"assessment_confirmation", "decision"}
    with app.test_request_context("/", query_string={"lang": "en"}), force_locale("en"):
        for letter in letters:
            html = render_html(template_for(letter.kind), build_context(letter))
            assert '<html lang="nl">' in html
            # Catalogue names, area types and units in Dutch, never the English ones.
            if letter.kind == LetterKind.ASSESSMENT_CONFIRMATION:
                assert "snijmaïs" in html and "wild zwijn" in html and "regulier gebied" in html
            for english in ("silage maize", "wild boar", "regular area", "Dear ", "Decision"):
                assert english not in html, (letter.kind, english)
