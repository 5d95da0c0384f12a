"""Letters look as they did: every page of each fixed sample letter, rastered, equals the reference.

`tests/letters/reference/<kind>.pdf` were rendered from `documents.samples` before the letter
renderer was tuned for speed (shared font configuration, stylesheet parsed once). Both PDFs are
rastered here by poppler's pdftoppm at 100 dpi in grey and compared pixel by pixel, so a change
of layout, font, line break or colour fails, while a PDF that differs only in its bytes passes.
To accept a deliberate change of the letters' design, render new references (see `_render`).
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from faunaschade.documents import render_pdf
from faunaschade.documents.samples import sample_letters
from faunaschade.models import LetterKind

REFERENCE = Path(__file__).resolve().parent / "reference"
SAMPLES = sample_letters()

# What no database changes: once, in the SQLite pass.
pytestmark = [
    pytest.mark.sqlite_pass_only,
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm"),
]


def _pages(pdf: bytes, directory: Path, name: str) -> list[Image.Image]:
    source = directory / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", "-png", str(source), str(directory / name)], check=True
    )
    return [Image.open(path).convert("L") for path in sorted(directory.glob(f"{name}-*.png"))]


def _render(kind) -> bytes:
    template, context = SAMPLES[kind]
    return render_pdf(template, context)


@pytest.mark.parametrize("kind", list(SAMPLES), ids=lambda kind: kind.value)
def test_every_page_of_the_sample_letter_looks_like_the_reference(kind, tmp_path):
    reference = (REFERENCE / f"{kind.value}.pdf").read_bytes()
    rendered = _render(kind)
    assert len(PdfReader(io.BytesIO(rendered)).pages) == len(PdfReader(io.BytesIO(reference)).pages)
    expected = _pages(reference, tmp_path, "reference")
    actual = _pages(rendered, tmp_path, "rendered")
    assert len(actual) == len(expected) > 0
    for number, (want, got) in enumerate(zip(expected, actual, strict=True), start=1):
        assert got.size == want.size, f"page {number}"
        box = ImageChops.difference(want, got).getbbox()
        assert box is None, f"page {number} of the {kind.value} letter differs within {box}"


def test_the_comparison_sees_a_small_change(tmp_path):
    # The test above must be able to fail: one digit of the reference changed shows.
    kind = LetterKind.DECISION
    template, context = SAMPLES[kind]
    letter = dataclasses.replace(context["letter"], reference="FS-2025-000124")
    changed = render_pdf(template, {**context, "letter": letter})
    original = _pages(_render(kind), tmp_path, "original")
    other = _pages(changed, tmp_path, "changed")
    assert any(
        ImageChops.difference(a, b).getbbox() is not None
        for a, b in zip(original, other, strict=True)
    )
