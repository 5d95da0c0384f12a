"""The decision letter's calculation: never a lone heading at the foot of a page.

Issue 14: with a few lines more before it, "Berekening" and the table's caption stayed at the
bottom of page 1 while the whole table moved to page 2 (the table kept itself together, not
with its heading). Here the sample decision letter gets one rejection reason more at a time, so
its calculation heading walks down page 1 until it moves to page 2; at every step the heading
and the first step of the table must be on the same page.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from faunaschade.documents import render_pdf
from faunaschade.documents.decision_context import StepLine
from faunaschade.documents.samples import sample_letters
from faunaschade.models import LetterKind

# Fixed in-memory letters, no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only

REASON = "Een reden van de afwijzing die precies één regel van de brief beslaat."


def _pages_of(pdf_pages, reasons: int, steps: tuple[StepLine, ...] | None = None):
    """The decision letter with `reasons` reason lines: (heading page, first step page, pages)."""
    template, context = sample_letters()[LetterKind.DECISION]
    details = context["details"]
    changes = {"reasons": tuple(f"{REASON} ({n})" for n in range(reasons))}
    if steps is not None:
        changes["steps"] = steps
    letter = {**context, "details": dataclasses.replace(details, **changes)}
    pages = pdf_pages(render_pdf(template, letter))
    first_step = (steps or details.steps)[0].description
    heading = next(n for n, text in enumerate(pages) if "Berekening" in text.splitlines())
    row = next(n for n, text in enumerate(pages) if first_step in text)
    return heading, row, len(pages)


def test_the_calculation_heading_never_stays_behind_at_the_foot_of_a_page(pdf_pages):
    placed = []
    for reasons in range(40):
        heading, row, _ = _pages_of(pdf_pages, reasons)
        placed.append((reasons, heading, row))
        assert heading == row, (
            f"with {reasons} reasons: heading on page {heading + 1}, table on {row + 1}"
        )
        if heading > 0:
            break
    # The walk really reached the page's end: the heading moved on to page 2 with its table.
    assert placed[0][1] == 0 and placed[-1][1] == 1, placed


def test_a_calculation_longer_than_a_page_starts_with_its_heading(pdf_pages):
    steps = tuple(
        StepLine("component", f"Stap {n} van een lange berekening", Decimal("1.00"))
        for n in range(70)
    )
    for reasons in (0, 6, 12):
        heading, row, pages = _pages_of(pdf_pages, reasons, steps)
        assert heading == row and pages >= 3, (reasons, heading, row, pages)
