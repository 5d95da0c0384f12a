"""Reading a PDF back: `pdf_text(data)` is the text of every page, `pdf_pages(data)` per page."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader


def read_pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, in page order."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def read_pdf_text(data: bytes) -> str:
    """The text of every page of a PDF."""
    return "\n".join(read_pdf_pages(data))


@pytest.fixture
def pdf_text() -> Callable[[bytes], str]:
    """The text of every page of a PDF (bytes in, text out)."""
    return read_pdf_text


@pytest.fixture
def pdf_pages() -> Callable[[bytes], list[str]]:
    """The text of each page of a PDF (bytes in, one text per page out)."""
    return read_pdf_pages
