"""Reading a PDF back: `pdf_text(data)` is the text of every page."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader


def read_pdf_text(data: bytes) -> str:
    """The text of every page of a PDF."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def pdf_text() -> Callable[[bytes], str]:
    """The text of every page of a PDF (bytes in, text out)."""
    return read_pdf_text
